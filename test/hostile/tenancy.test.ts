import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VariantSpec } from '@darkroom/core/presets';
import type { TestApi } from '../support/client.js';
import { bodyFor, expectRefusal } from '../support/hostile.js';
import { fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Another tenant's ids on every tenant route, read from the OpenAPI document so that a new route is
 * covered the day it is added: each answers `404 not_found` (never 403: ids must not leak) and
 * changes nothing. Tenant keys on admin routes get `403 forbidden`.
 */
const harness = setupHarness({ withWorker: false });
let owner: TestApi;
let intruder: TestApi;
let paths: Record<string, Record<string, unknown>>;
let ids: { asset: string; job: string; waiting: string; webhook: string; event: string };

beforeAll(async () => {
  owner = harness.admin.withToken((await harness.admin.createTenant('tenancy-owner')).apiKey);
  intruder = harness.admin.withToken((await harness.admin.createTenant('tenancy-intruder')).apiKey);
  const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  const done = await owner.uploadAndComplete(jpeg, { filename: 'mine.jpg', contentType: 'image/jpeg' });
  const waiting = await owner.request('POST', '/v1/uploads', { filename: 'w.jpg', contentType: 'image/jpeg', size: 10 });
  const webhook = await owner.request('POST', '/v1/webhooks', { url: 'https://93.184.215.14/hook' });
  const [event] = await owner.events();
  ids = { asset: done.asset.id, job: done.job.id, waiting: waiting.body.asset.id, webhook: webhook.body.webhook.id, event: event!.id };
  paths = (await harness.admin.raw('GET', '/docs/json')).body.paths;
});

/** `/v1/assets/{id}` → a path with the owner's id of the right kind. */
function withOwnersId(path: string): string {
  if (path.startsWith('/v1/jobs/')) return path.replace('{id}', ids.job);
  if (path.startsWith('/v1/uploads/')) return path.replace('{assetId}', ids.waiting);
  if (path.startsWith('/v1/webhooks/')) return path.replace('{id}', ids.webhook);
  if (path.startsWith('/v1/events/')) return path.replace('{id}', ids.event);
  return path.replace(/\{[^}]+\}/, ids.asset);
}

describe("another tenant's ids", () => {
  it('every tenant route with an id answers 404 not_found and changes nothing', async () => {
    const before = [await owner.request('GET', `/v1/assets/${ids.asset}`), await owner.request('GET', `/v1/assets/${ids.waiting}`)];
    const tried: string[] = [];
    for (const [path, methods] of Object.entries(paths)) {
      // Presets are named, not ids: each tenant has its own namespace (checked below).
      if (!path.startsWith('/v1/') || path.startsWith('/v1/admin') || !path.includes('{') || path.includes('{name}')) continue;
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        const body = bodyFor(method, path);
        const res = await intruder.raw(method, withOwnersId(path), body);
        expectRefusal(harness, res, 404, 'not_found');
        tried.push(`${method} ${path}`);
      }
    }
    // The routes a tenant has today, at least: the document may grow, never shrink past these.
    expect(tried).toEqual(
      expect.arrayContaining([
        'GET /v1/assets/{id}',
        'DELETE /v1/assets/{id}',
        'GET /v1/assets/{id}/jobs',
        'GET /v1/jobs/{id}',
        'POST /v1/uploads/{assetId}/complete',
        'POST /v1/uploads/{assetId}/abort',
        'PATCH /v1/webhooks/{id}',
        'DELETE /v1/webhooks/{id}',
        'POST /v1/webhooks/{id}/rotate-secret',
        'GET /v1/webhooks/{id}/deliveries',
        'POST /v1/events/{id}/redeliver',
      ]),
    );
    const after = [await owner.request('GET', `/v1/assets/${ids.asset}`), await owner.request('GET', `/v1/assets/${ids.waiting}`)];
    expect(after.map((r) => [r.status, r.body.status])).toEqual(before.map((r) => [r.status, r.body.status]));
    expect(after[1]!.body.status).toBe('awaiting_upload');
    expect((await owner.request('GET', '/v1/webhooks')).body.items.map((w: { id: string; enabled: boolean }) => [w.id, w.enabled])).toEqual([
      [ids.webhook, true],
    ]);
  });

  it("another tenant's presets are invisible and untouchable", async () => {
    const variants: VariantSpec[] = [{ name: 'a', fit: 'cover', width: 64, height: 64, format: 'webp', quality: 70 }];
    expect((await owner.request('PUT', '/v1/presets/secret-sizes', { variants })).status).toBe(200);
    const listed = await intruder.request('GET', '/v1/presets');
    expect(listed.body.items.map((p: { name: string }) => p.name)).not.toContain('secret-sizes');
    expectRefusal(harness, await intruder.request('DELETE', '/v1/presets/secret-sizes'), 404, 'not_found');
    expectRefusal(harness, await intruder.request('POST', '/v1/presets/secret-sizes/backfill', {}), 404, 'preset_not_found');
    const start = await intruder.request('POST', '/v1/uploads', { filename: 'x.jpg', contentType: 'image/jpeg', size: 10, preset: 'secret-sizes' });
    expectRefusal(harness, start, 404, 'preset_not_found');
    expect((await owner.request('GET', '/v1/presets')).body.items.map((p: { name: string }) => p.name)).toContain('secret-sizes');
  });

  it("lists and cursors never show another tenant's assets", async () => {
    const mine = await owner.request('GET', '/v1/assets?limit=1');
    expect(mine.body.nextCursor).not.toBeNull();
    const theirs = await intruder.request('GET', `/v1/assets?limit=100&cursor=${mine.body.nextCursor}`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
    expect((await intruder.request('GET', '/v1/assets?limit=100')).body.items).toEqual([]);
  });

  it('every admin route refuses a tenant key with 403 forbidden', async () => {
    let count = 0;
    for (const [path, methods] of Object.entries(paths)) {
      if (!path.startsWith('/v1/admin')) continue;
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        const body = bodyFor(method, path);
        expectRefusal(harness, await intruder.raw(method, withOwnersId(path), body), 403, 'forbidden');
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(10);
  });
});
