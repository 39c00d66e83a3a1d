/**
 * Never run: `tsc -p tsconfig.test.json` checks that TestApi holds tests to the OpenAPI document
 * (each `@ts-expect-error` fails the type-check when the line it marks compiles).
 */
import type { TestApi } from './client.js';

export async function typedRequests(api: TestApi, id: string) {
  // The narrowest route wins: `/v1/assets/{id}/jobs`, not `/v1/assets/{id}`.
  const jobs = await api.request('GET', `/v1/assets/${id}/jobs`);
  jobs.body.items satisfies { attempts: number }[];
  const asset = await api.request('GET', `/v1/assets/${id}`);
  asset.body.status satisfies 'ready' | 'failed' | 'awaiting_upload' | 'queued' | 'processing' | 'held' | 'rejected' | 'canceled' | 'expired';
  // A query string keeps the route.
  (await api.request('GET', '/v1/events?limit=1')).body.nextCursor satisfies string | null;

  // @ts-expect-error a route the document does not have
  await api.request('GET', '/v1/nope');
  // @ts-expect-error a method the route does not answer
  await api.request('PUT', '/v1/uploads');
  // @ts-expect-error a field the body does not take
  await api.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 1, colour: 'red' });
  // @ts-expect-error a field of the wrong type
  await api.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 'big' });
  // @ts-expect-error a field the answer does not have
  asset.body.colour;

  // The escape hatch takes anything, on purpose.
  await api.raw('POST', '/v1/uploads', { size: 'big' });
}
