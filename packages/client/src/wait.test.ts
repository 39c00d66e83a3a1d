import { describe, expect, it } from 'vitest';
import { createContext } from './client.js';
import type { Asset } from './types.js';
import { waitUntilReady, type ProcessingProgress } from './wait.js';

const asset = (status: Asset['status']) => ({ id: 'a1', status }) as Asset;
const event = (type: string, data: unknown) =>
  `id: e-${type}\nevent: ${type}\ndata: ${JSON.stringify({ id: `e-${type}`, type, createdAt: 'now', data })}\n\n`;

/** A fetch that answers the live stream with `stream` (text chunks, or a status) and GET /v1/assets/a1 with `polls` in turn. */
function fakeApi(stream: string[] | number | 'no-answer', polls: Asset[] = []) {
  const asked: string[] = [];
  const fetchImpl = async (input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : String(input);
    asked.push(new URL(url).pathname);
    if (url.endsWith('/events')) {
      if (stream === 'no-answer') throw new TypeError('fetch failed');
      if (typeof stream === 'number') return Response.json({ error: { code: 'x', message: 'refused' } }, { status: stream });
      const encoder = new TextEncoder();
      const body = new ReadableStream({
        start: (c) => {
          for (const chunk of stream) c.enqueue(encoder.encode(chunk));
          c.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    }
    return Response.json(polls.shift() ?? asset('ready'));
  };
  const ctx = createContext({ baseUrl: 'http://api', token: 't', fetch: fetchImpl as typeof fetch, retry: { retries: 0 } });
  return { ctx, asked };
}

describe('waitUntilReady', () => {
  it('applies the snapshot, then events and job progress, until a final status', async () => {
    const { ctx, asked } = fakeApi([
      `event: asset.snapshot\ndata: ${JSON.stringify(asset('queued'))}\n\n: heartbeat\n\n`,
      event('asset.processing', { asset: asset('processing') }),
      event('asset.progress', { assetId: 'a1', jobId: 'j1', progress: 0.5 }),
      event('asset.ready', { asset: asset('ready') }),
    ]);
    const seen: ProcessingProgress[] = [];
    const done = await waitUntilReady(ctx, 'a1', { onProgress: (p) => seen.push(p) });
    expect(done.status).toBe('ready');
    expect(seen.map((p) => [p.asset.status, p.progress])).toEqual([
      ['queued', null],
      ['processing', null],
      ['processing', 0.5],
      ['ready', 0.5],
    ]);
    expect(asked).toEqual(['/v1/assets/a1/events']);
  });

  it('reopens a stream that ends early, then polls when it can no longer open', async () => {
    const { ctx, asked } = fakeApi(
      [`event: asset.snapshot\ndata: ${JSON.stringify(asset('processing'))}\n\n`],
      [asset('processing'), asset('failed')],
    );
    const done = await waitUntilReady(ctx, 'a1');
    expect(done.status).toBe('failed');
    expect(asked.filter((path) => path.endsWith('/events')).length).toBeGreaterThan(1);
    expect(asked.filter((path) => path === '/v1/assets/a1')).toHaveLength(2);
  }, 20_000);

  it('polls at once when the stream gets no answer or a 503, and throws a 404 as not_found', async () => {
    for (const refusal of ['no-answer', 503] as const) {
      const { ctx, asked } = fakeApi(refusal, [asset('ready')]);
      expect((await waitUntilReady(ctx, 'a1')).status).toBe('ready');
      expect(asked).toEqual(['/v1/assets/a1/events', '/v1/assets/a1']);
    }
    await expect(waitUntilReady(fakeApi(404).ctx, 'a1')).rejects.toMatchObject({ code: 'x', status: 404 });
  });

  it('ends with not_found when the asset is deleted while it waits', async () => {
    const { ctx } = fakeApi([
      `event: asset.snapshot\ndata: ${JSON.stringify(asset('queued'))}\n\n`,
      event('asset.deleted', { asset: asset('queued') }),
    ]);
    await expect(waitUntilReady(ctx, 'a1')).rejects.toMatchObject({ code: 'not_found' });
  });
});
