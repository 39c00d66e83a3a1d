import { readFile } from 'node:fs/promises';
import { apiKeys, tenants, uploadTokens } from '@darkroom/db/schema';
import { hashApiKey } from '@darkroom/db/queries/api-keys';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VariantSpec } from '@darkroom/core/presets';
import { TestApi } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { bodyFor, expectRefusal } from '../support/hostile.js';
import { fixture } from '../support/images.js';
import { awayFromWindowEnd } from '../support/rate-window.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A browser upload token (`dut_…`) is the one credential a hostile end user holds. It is tried on
 * EVERY route of the app, read from the app's own route table so that a route added later is
 * covered the day it is added: 403 everywhere but the seven routes the spec allows, and there only
 * on the assets the token started. Then expiry, revocation, the tenant's limits, the count of
 * uploads (raced), and attempts to override the token's preset and metadata.
 */
const harness = setupHarness({ withWorker: false });
const t = setupTenant(harness, 'hostile-upload-tokens');
let jpeg: Uint8Array;

/** The routes the spec (api-client.md; api-delivery.md for PATCH) lets an upload token call: no more, no fewer. */
const ALLOWED = [
  'POST /v1/uploads',
  'POST /v1/uploads/:assetId/complete',
  'POST /v1/uploads/:assetId/abort',
  'GET /v1/uploads/:assetId/parts',
  'POST /v1/uploads/:assetId/url',
  'POST /v1/uploads/:assetId/sign',
  'GET /v1/uploads/rules',
  'GET /v1/assets/:id',
  'PATCH /v1/assets/:id',
  'GET /v1/assets/:id/events',
];

/**
 * Routes that take no credentials at all: probes, metrics, the documentation, the console's login and
 * the static upload page. Reviewed when this list changes.
 */
const PUBLIC = [
  'GET /admin/login',
  'POST /admin/login',
  'POST /admin/logout',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /docs',
  'GET /docs/',
  'GET /docs/json',
  'GET /docs/yaml',
  'GET /docs/static/*',
  'GET /docs/static/index.html',
  'GET /docs/static/swagger-initializer.js',
  'GET /upload',
  'GET /upload/',
  'GET /upload/assets/:name',
];

beforeAll(async () => {
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

const mint = (body: object = {}, client: TestApi = t.client) => client.withUploadToken(body);

async function startWith(client: TestApi, extra: object = {}) {
  return client.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: jpeg.length, ...extra });
}

async function started(client: TestApi, extra: object = {}): Promise<string> {
  const res = await startWith(client, extra);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.asset.id;
}

/** A concrete path for a route pattern: every parameter (and a wildcard) gets `value`. */
const pathOf = (url: string, value: string) => url.replace(/:[A-Za-z]+/g, value).replace('*', 'x');

/** The request a route pattern gets in this suite (SSE routes are read to their first bytes only). */
async function call(client: TestApi, method: string, url: string, id: string) {
  const body = bodyFor(method, url);
  if (url.endsWith('/events') || url.endsWith('/stream')) {
    const controller = new AbortController();
    const res = await fetch(`${client.baseUrl}${pathOf(url, id)}`, {
      headers: client.token ? { authorization: `Bearer ${client.token}` } : {},
      signal: controller.signal,
    });
    const text = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
    controller.abort();
    return { status: res.status, body: text };
  }
  return client.raw(method, pathOf(url, id), body);
}

describe('every route with an upload token', () => {
  it('is 403 forbidden except the routes the spec allows, which answer for the token’s own asset', async () => {
    const token = await mint();
    const own = await started(token);
    const anonymous = new TestApi(harness.baseUrl);
    const routes = harness.app.routeTable.filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS');
    const allowed: string[] = [];
    const open: string[] = [];
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      if (route.uploadToken) {
        allowed.push(name);
        continue;
      }
      const res = await call(token, route.method, route.url, own);
      if (res.status === 403) {
        expectRefusal(harness, res, 403, 'forbidden');
        continue;
      }
      // Not refused: only a route that takes no credentials at all may answer otherwise.
      const bare = await call(anonymous, route.method, route.url, own);
      expect(bare.status, `${name} answered ${res.status} to an upload token and ${bare.status} with no credentials`).toBe(res.status);
      open.push(name);
    }
    expect(allowed.sort()).toEqual([...ALLOWED].sort());
    expect(open.filter((name) => !PUBLIC.includes(name))).toEqual([]);
    // The route table is really the app's: it holds the routes a token may not call.
    expect(routes.length).toBeGreaterThan(40);

    // And the allowed ones answer the token on its own asset (a PUT upload awaiting its bytes).
    const expected: [string, number][] = [
      ['GET /v1/assets/:id', 200],
      // Focus and crop: only once it is a ready image.
      ['PATCH /v1/assets/:id', 409],
      ['GET /v1/assets/:id/events', 200],
      ['GET /v1/uploads/:assetId/parts', 409],
      ['POST /v1/uploads/:assetId/url', 200],
      ['POST /v1/uploads/:assetId/complete', 409],
      ['POST /v1/uploads/:assetId/abort', 200],
    ];
    for (const [name, status] of expected) {
      const [method, url] = name.split(' ') as [string, string];
      expect((await call(token, method, url, own)).status, name).toBe(status);
    }
  });

  it("the allowed routes answer 404 for another token's asset, another tenant's and the key's own, as for no asset", async () => {
    const token = await mint();
    const sibling = await mint();
    const other = await createTestTenant(harness, 'hostile-upload-tokens-other');
    const foreign = {
      'another token of the tenant': await started(sibling),
      'the tenant key itself': await started(t.client),
      'another tenant': await started(await mint({}, other.client)),
      'no asset': '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      'not an id': 'x'.repeat(36),
    };
    for (const name of ALLOWED.filter((route) => route.includes(':'))) {
      const [method, url] = name.split(' ') as [string, string];
      for (const [whose, id] of Object.entries(foreign)) {
        const res = await call(token, method, url, id);
        expect(res.status, `${name} on ${whose}'s asset`).toBe(404);
        expectRefusal(harness, res, 404, 'not_found');
      }
    }
    // None of them was touched: each still awaits its upload.
    for (const id of Object.values(foreign).slice(0, 2))
      expect((await t.client.request('GET', `/v1/assets/${id}`)).body.status).toBe('awaiting_upload');
  });
});

describe('tokens that must no longer work: 401 unauthorized', () => {
  it('an unknown token, a tampered one, or an API key made to look like one', async () => {
    const token = await mint();
    for (const bad of ['dut_unknown', `${token.token!}x`, `dut_${t.client.token!.slice(3)}`, t.client.token!.replace('dk_', 'dut_')]) {
      expectRefusal(harness, await startWith(t.client.withToken(bad)), 401, 'unauthorized');
    }
  });

  it('an expired token, whether or not a process had it cached', async () => {
    const token = await mint();
    await started(token); // cached now
    // Make it expire in a second (the mint allows no less than a minute).
    const soon = { expiresAt: sql`now() + interval '1 second'` };
    await harness.api.db
      .update(uploadTokens)
      .set(soon)
      .where(eq(uploadTokens.tokenHash, hashApiKey(token.token!)));
    await harness.api.authCache.invalidateTenant(t.tenantId);
    expect((await startWith(token)).status).toBe(201); // looked up again, cached until its expiry
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectRefusal(harness, await startWith(token), 401, 'unauthorized');
    expectRefusal(harness, await token.request('GET', '/v1/assets/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'), 401, 'unauthorized');
  });

  it("revoked with its tenant's last key (not before), and gone with its tenant", async () => {
    const own = await createTestTenant(harness, 'hostile-upload-tokens-revoked');
    const second = await own.admin.request('POST', `/v1/admin/tenants/${own.tenantId}/keys`);
    const token = await mint({}, own.client);
    await started(token);
    const keys = await harness.api.db.select().from(apiKeys).where(eq(apiKeys.tenantId, own.tenantId));
    const first = keys.find((key) => key.id !== second.body.id)!;
    expect((await own.admin.request('DELETE', `/v1/admin/keys/${first.id}`)).status).toBe(204);
    // One key left: the token still works (it counts against the revoked key's window; that is fine).
    expect((await startWith(token)).status).toBe(201);
    expect((await own.admin.request('DELETE', `/v1/admin/keys/${second.body.id}`)).status).toBe(204);
    expectRefusal(harness, await startWith(token), 401, 'unauthorized');

    const gone = await createTestTenant(harness, 'hostile-upload-tokens-deleted');
    const orphan = await mint({}, gone.client);
    await started(orphan);
    await harness.api.db.delete(tenants).where(eq(tenants.id, gone.tenantId));
    await harness.api.authCache.invalidateTenant(gone.tenantId);
    expectRefusal(harness, await startWith(orphan), 401, 'unauthorized');
    expect(await harness.api.db.select().from(uploadTokens).where(eq(uploadTokens.tenantId, gone.tenantId))).toEqual([]);
  });
});

describe("the token's limits", () => {
  it('a mint wider than the tenant is 400 invalid_request, with a key or as an admin', async () => {
    const narrow = await createTestTenant(harness, 'hostile-upload-tokens-narrow');
    await narrow.admin.request('PATCH', `/v1/admin/tenants/${narrow.tenantId}`, { maxUploadBytes: 5000, acceptedContentTypes: ['image/png'] });
    for (const body of [{ maxUploadBytes: 5001 }, { acceptedContentTypes: ['image/jpeg'] }, { acceptedContentTypes: ['image/png', 'image/webp'] }]) {
      expectRefusal(harness, await narrow.client.request('POST', '/v1/upload-tokens', body), 400, 'invalid_request');
      expectRefusal(harness, await narrow.admin.request('POST', `/v1/admin/tenants/${narrow.tenantId}/upload-tokens`, body), 400, 'invalid_request');
    }
    // And a tenant narrowed after the mint narrows its tokens too.
    const token = await mint({ maxUploadBytes: 5000 }, narrow.client);
    await narrow.admin.request('PATCH', `/v1/admin/tenants/${narrow.tenantId}`, { maxUploadBytes: 100 });
    const res = await token.request('POST', '/v1/uploads', { filename: 'a.png', contentType: 'image/png', size: 101 });
    expectRefusal(harness, res, 413, 'file_too_large');
  });

  it('maxUploads is never passed, not even by concurrent starts: then 429 rate_limited', async () => {
    const token = await mint({ maxUploads: 3 });
    const results = await Promise.all(Array.from({ length: 12 }, () => startWith(token)));
    expect(results.filter((res) => res.status === 201)).toHaveLength(3);
    for (const res of results.filter((r) => r.status !== 201)) expectRefusal(harness, res, 429, 'rate_limited');
    const count = await harness.api.db.select().from(uploadTokens).where(eq(uploadTokens.uploadsStarted, 3));
    expect(count.length).toBeGreaterThanOrEqual(1);
    // A refused start used nothing: a start refused for its own reasons does not take a slot.
    const another = await mint({ maxUploads: 1 });
    expectRefusal(harness, await startWith(another, { size: 10 ** 12 }), 413, 'file_too_large');
    expect((await startWith(another)).status).toBe(201);
  });

  it("counts its requests against the minting key's rate limit", async () => {
    const limited = await createTestTenant(harness, 'hostile-upload-tokens-rate');
    await limited.admin.request('PATCH', `/v1/admin/tenants/${limited.tenantId}`, { rateLimitPerMinute: 6 });
    await awayFromWindowEnd();
    const token = await mint({}, limited.client); // 1
    for (let i = 0; i < 4; i++) expect((await token.request('GET', '/v1/assets/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).status).toBe(404); // 2..5
    expect((await limited.client.request('GET', '/v1/tenant')).status).toBe(200); // 6
    const over = await token.request('GET', '/v1/assets/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
    expectRefusal(harness, over, 429, 'rate_limited');
    expect(over.headers.get('retry-after')).not.toBeNull();
    expectRefusal(harness, await limited.client.request('GET', '/v1/tenant'), 429, 'rate_limited');
  });
});

describe("overriding the token's preset and metadata", () => {
  it('another preset is refused (400); the same one, or none, gets the token’s', async () => {
    const variants: VariantSpec[] = [{ name: 'a', fit: 'cover', width: 64, height: 64, format: 'webp', quality: 70 }];
    expect((await t.client.request('PUT', '/v1/presets/pricey', { variants })).status).toBe(200);
    const token = await mint({ preset: 'pricey' });
    expectRefusal(harness, await startWith(token, { preset: 'default' }), 400, 'invalid_request');
    expectRefusal(harness, await startWith(token, { preset: 'nope' }), 400, 'invalid_request');
    expect((await startWith(token, { preset: 'pricey' })).body.asset.preset).toBe('pricey');
    expect((await startWith(token)).body.asset.preset).toBe('pricey');
    // A token without a preset pins the tenant's default: the browser cannot pick the pricey one.
    const plain = await mint();
    expectRefusal(harness, await startWith(plain, { preset: 'pricey' }), 400, 'invalid_request');
    expect((await startWith(plain)).body.asset.preset).toBe('default');
  });

  it('metadata outside metadata.client is refused; metadata.client cannot reach the token’s keys', async () => {
    const token = await mint({ metadata: { userId: 'u-1', role: 'viewer' } });
    for (const metadata of [{ userId: 'evil' }, { role: 'admin', client: {} }, { '': 1 }, { constructor: { prototype: {} } }]) {
      expectRefusal(harness, await startWith(token, { metadata }), 400, 'invalid_request');
    }
    // A raw "__proto__" key is an own key of the parsed body, and refused like any other.
    const proto = await fetch(`${harness.baseUrl}/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: `{"filename":"a.jpg","contentType":"image/jpeg","size":${jpeg.length},"metadata":{"__proto__":{"userId":"evil"}}}`,
    });
    expect(proto.status).toBe(400);
    const kept = await startWith(token, { metadata: { client: { userId: 'evil', role: 'admin' } } });
    expect(kept.body.asset.metadata).toEqual({ userId: 'u-1', role: 'viewer', client: { userId: 'evil', role: 'admin' } });
    const big = await startWith(token, { metadata: { client: 'x'.repeat(5000) } });
    expectRefusal(harness, big, 400, 'invalid_request');
  });
});
