import { readFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import { AssetView } from '@darkroom/core/contract/asset';
import { ErrorBody } from '@darkroom/core/contract/error';
import { StartedUpload, UploadRules } from '@darkroom/core/contract/upload';
import { jobs } from '@darkroom/db/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { asMultipart, TestApi } from '../support/client.js';
import { fetchVariant, fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';

const harness = setupHarness({ withWorker: false });
let tenantA: TestApi;
let tenantB: TestApi;
let smallJpeg: Uint8Array;

beforeAll(async () => {
  // No worker yet: idempotency is checked on jobs that stay queued.
  tenantA = harness.admin.withToken((await harness.admin.createTenant('contract-a')).apiKey);
  tenantB = harness.admin.withToken((await harness.admin.createTenant('contract-b')).apiKey);
  smallJpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

const apiDoc = () => readFile(new URL('../../docs/api.md', import.meta.url), 'utf8');

/** Every `METHOD /path` docs/api.md names, anywhere on the page, with `:param` as OpenAPI writes it (`{param}`). */
async function documentedRoutes(): Promise<Set<string>> {
  const mentions = (await apiDoc()).matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\/[^\s`?),]*)/g);
  return new Set([...mentions].map(([, method, path]) => `${method} ${path!.replace(/:(\w+)/g, '{$1}')}`));
}

/** Every `METHOD /path` of the served OpenAPI document (hidden routes are left out of it). */
function openApiRoutes(document: { paths: Record<string, Record<string, unknown>> }): Set<string> {
  const methods = ['get', 'post', 'put', 'patch', 'delete'];
  return new Set(
    Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => methods.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
}

/** Routes docs/api.md names that the OpenAPI document leaves out on purpose, and why. */
const NOT_IN_OPENAPI: Record<string, string> = {
  'GET /docs': 'the browsable UI of the document',
  'GET /docs/json': 'the document itself',
  'POST /admin/login': "the admin console's login form, hidden like the console's pages",
  'GET /upload': "the upload page: HTML for people, hidden like the console's pages",
};

/** Routes docs/api.md names that the delivery server (apps/delivery) serves, not the API: in neither its document nor its routes. */
const SERVED_BY_DELIVERY = new Set(['GET /img/{assetId}/{revision}/{options}', 'GET /img/{assetId}/{revision}/{options}/{signature}']);

const upload = (client: TestApi) => client.upload(smallJpeg, { filename: 'IMG_0001.jpg', contentType: 'image/jpeg' });

describe('complete is idempotent', () => {
  it('called twice, or five times at once, queues exactly one job', async () => {
    const { asset } = await upload(tenantA);
    const calls = await Promise.all(Array.from({ length: 5 }, () => tenantA.request('POST', `/v1/uploads/${asset.id}/complete`, {})));
    const again = await tenantA.request('POST', `/v1/uploads/${asset.id}/complete`, {});
    for (const res of [...calls, again]) expect(res.status, JSON.stringify(res.body)).toBe(202);
    const jobIds = new Set([...calls, again].map((res) => res.body.job.id));
    expect(jobIds.size).toBe(1);

    const rows = await harness.api.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.assetId, asset.id)));
    expect(rows).toHaveLength(1);
    const queued = await harness.api.queue.queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']);
    expect(queued.filter((j) => j.data.assetId === asset.id)).toHaveLength(1);
  });
});

describe('auth and tenant isolation', () => {
  it('tenant B gets 404 on tenant A’s asset, job and upload', async () => {
    const { asset } = await upload(tenantA);
    const { job } = (await tenantA.request('POST', `/v1/uploads/${asset.id}/complete`, {})).body;
    for (const [method, path] of [
      ['GET', `/v1/assets/${asset.id}`],
      ['GET', `/v1/assets/${asset.id}/jobs`],
      ['GET', `/v1/jobs/${job.id}`],
      ['POST', `/v1/uploads/${asset.id}/complete`],
      ['POST', `/v1/uploads/${asset.id}/abort`],
      ['DELETE', `/v1/assets/${asset.id}`],
    ] as const) {
      const res = await tenantB.raw(method, path, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error?.code).toBe('not_found');
    }
    expect((await tenantB.request('GET', '/v1/assets')).body.items.map((a) => a.id)).not.toContain(asset.id);
    expect((await tenantA.request('GET', `/v1/assets/${asset.id}`)).status).toBe(200);
  });

  it('a missing, unknown or revoked key gets 401; a tenant key on an admin route 403', async () => {
    expect((await new TestApi(harness.baseUrl).request('GET', '/v1/assets')).status).toBe(401);
    const unknown = await tenantA.withToken('dk_not-a-real-key').request('GET', '/v1/assets');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error?.code).toBe('unauthorized');

    const { tenantId } = await harness.admin.createTenant('revocable');
    const created = await harness.admin.request('POST', `/v1/admin/tenants/${tenantId}/keys`);
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toMatch(/^dk_/);
    const key = tenantA.withToken(created.body.apiKey);
    expect((await key.request('GET', '/v1/assets')).status).toBe(200);
    expect((await harness.admin.request('DELETE', `/v1/admin/keys/${created.body.id}`)).status).toBe(204);
    expect((await key.request('GET', '/v1/assets')).status).toBe(401);

    const forbidden = await tenantA.request('POST', '/v1/admin/tenants', { name: 'x' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error?.code).toBe('forbidden');
  });

  it('stores keys only as hashes', async () => {
    const { apiKey } = await harness.admin.createTenant('hashed');
    const rows = await harness.api.db.query.apiKeys.findMany();
    expect(rows.some((r) => r.keyHash === apiKey || r.prefix === apiKey)).toBe(false);
    expect(JSON.stringify(rows)).not.toContain(apiKey);
  });
});

describe('assets', () => {
  it('lists newest first with keyset pagination and a status filter', async () => {
    const client = harness.admin.withToken((await harness.admin.createTenant('paging')).apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await upload(client)).asset.id);
    const first = await client.request('GET', '/v1/assets?limit=2');
    expect(first.body.items.map((a) => a.id)).toEqual([ids[4], ids[3]]);
    const second = await client.request('GET', `/v1/assets?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((a) => a.id)).toEqual([ids[2], ids[1]]);
    const third = await client.request('GET', `/v1/assets?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });

    await client.request('POST', `/v1/uploads/${ids[0]}/complete`, {});
    const queued = await client.request('GET', '/v1/assets?status=queued');
    expect(queued.body.items.map((a) => a.id)).toEqual([ids[0]]);
    expect((await client.request('GET', '/v1/assets?limit=0')).status).toBe(400);
    expect((await client.request('GET', '/v1/assets?cursor=nonsense')).status).toBe(400);
  });

  it('abort cancels an upload and a later complete is invalid_state', async () => {
    const { asset } = await upload(tenantA);
    const aborted = await tenantA.request('POST', `/v1/uploads/${asset.id}/abort`);
    expect(aborted.status).toBe(200);
    expect(aborted.body.status).toBe('canceled');
    const res = await tenantA.request('POST', `/v1/uploads/${asset.id}/complete`, {});
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('invalid_state');
  });

  it('delete removes the original, every variant and the row', async () => {
    harness.startWorker();
    const { asset } = await tenantA.uploadAndComplete(smallJpeg, { filename: 'del.jpg', contentType: 'image/jpeg' });
    const ready = await tenantA.waitForAsset(asset.id);
    expect(ready.status).toBe('ready');
    const urls = ready.variants.map((v) => v.url);
    for (const url of urls) expect((await fetchVariant(url)).status).toBe(200);

    const before = await harness.api.db.query.assets.findFirst({ where: (a, { eq }) => eq(a.id, asset.id) });
    expect((await tenantA.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
    expect((await tenantA.request('GET', `/v1/assets/${asset.id}`)).status).toBe(404);
    // Anonymous readers get 403 for absent keys (they may not list the bucket); the owner sees them gone.
    for (const url of urls) expect((await fetchVariant(url)).status).not.toBe(200);
    const variantKeys = await harness.api.storage.listObjects({
      bucket: process.env.S3_PUBLIC_BUCKET!,
      prefix: `variants/${before!.tenantId}/${asset.id}/`,
    });
    for await (const object of variantKeys) expect.fail(`variant object left behind: ${object.key}`);
    const row = await harness.api.db.query.assets.findFirst({ where: (a, { eq }) => eq(a.id, asset.id) });
    expect(row).toBeUndefined();
    await expect(harness.api.storage.headObject({ bucket: process.env.S3_BUCKET!, key: before!.originalKey })).rejects.toThrow(/not found/i);
  });
});

describe('replies that skip the schema encode (builtReplySerializer)', () => {
  /** zod drops keys a schema does not name: a reply equal to its own parse has no field the schema lacks. */
  const expectExactly = (schema: z.ZodType, body: unknown) => expect(schema.parse(body)).toEqual(body);

  it("POST /v1/uploads (PUT and multipart) and GET /v1/assets/:id reply with their schemas' fields and no others", async () => {
    const put = await tenantA.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 1000, metadata: { album: 'x' } });
    expect(put.status).toBe(201);
    expect(put.body.upload.method).toBe('PUT');
    expectExactly(StartedUpload, put.body);

    const multipart = await tenantA.request('POST', '/v1/uploads', { filename: 'b.jpg', contentType: 'image/jpeg', size: 40 * 1024 * 1024 });
    expect(multipart.status).toBe(201);
    expect(multipart.body.upload.method).toBe('MULTIPART');
    expectExactly(StartedUpload, multipart.body);

    // The layout as the API states it: each part's own length, the last holding the rest.
    const { partSize, parts } = asMultipart(multipart.body.upload);
    expect(parts.map((p: { size: number }) => p.size)).toEqual([partSize, partSize, 40 * 1024 * 1024 - 2 * partSize]);
    expect(Date.parse(multipart.body.uploadExpiresAt)).toBeGreaterThan(Date.now() + 3_600_000);

    const shown = await tenantA.request('GET', `/v1/assets/${put.body.asset.id}`);
    expect(shown.status).toBe(200);
    expectExactly(AssetView, shown.body);
    const missing = await tenantA.request('GET', `/v1/assets/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
    expectExactly(ErrorBody, missing.body);
  });
});

describe('GET /v1/uploads/rules', () => {
  it('states the limits and the layout an upload start applies, an upload token’s narrowed to its own', async () => {
    const { uploads } = harness.api.config;
    const rules = await tenantA.request('GET', '/v1/uploads/rules');
    expect(rules.status).toBe(200);
    expect(UploadRules.parse(rules.body)).toEqual(rules.body);
    expect(rules.body).toEqual({
      maxBytes: uploads.maxBytes,
      acceptedContentTypes: uploads.acceptedContentTypes,
      multipartThreshold: uploads.multipartThreshold,
      partSize: uploads.partSize,
      maxParts: 10_000,
      urlTtlSeconds: uploads.urlTtlSeconds,
    });
    const minted = await tenantA.request('POST', '/v1/upload-tokens', { maxUploadBytes: 5000, acceptedContentTypes: ['image/png'] });
    expect(minted.status).toBe(201);
    const narrowed = await new TestApi(harness.baseUrl, minted.body.token).request('GET', '/v1/uploads/rules');
    expect(narrowed.status).toBe(200);
    expect(narrowed.body).toMatchObject({ maxBytes: 5000, acceptedContentTypes: ['image/png'], partSize: uploads.partSize });
    // The same limits as the start itself: one byte over is refused.
    const over = await new TestApi(harness.baseUrl, minted.body.token).request('POST', '/v1/uploads', {
      filename: 'a.png',
      contentType: 'image/png',
      size: 5001,
    });
    expect([over.status, over.body.error?.details]).toEqual([413, { maxBytes: 5000 }]);
  });
});

describe('operations', () => {
  it('serves healthz, readyz, metrics and the OpenAPI document', async () => {
    const anonymous = new TestApi(harness.baseUrl);
    expect((await anonymous.request('GET', '/healthz')).status).toBe(200);
    const ready = await anonymous.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: 'ok', redis: 'ok', storage: 'ok' });
    const metrics = await anonymous.request('GET', '/metrics');
    expect(metrics.body).toContain('darkroom_http_requests_total');
    const docs = await anonymous.raw('GET', '/docs/json');
    expect(docs.status).toBe(200);
    for (const path of ['/v1/uploads', '/v1/uploads/{assetId}/complete', '/v1/assets/{id}', '/v1/jobs/{id}', '/v1/admin/tenants']) {
      expect(Object.keys(docs.body.paths)).toContain(path);
    }
    expect(docs.body.components.schemas.Asset.properties).toHaveProperty('dominantColor');
    expect(docs.body.components.schemas.AdminJob.properties).toHaveProperty('errorDetail');
    expect(docs.body.components.schemas.Job.properties).not.toHaveProperty('errorDetail');
    // The live streams are documented as event streams, not JSON.
    for (const path of ['/v1/assets/{id}/events', '/v1/events/stream']) {
      expect(Object.keys(docs.body.paths[path].get.responses['200'].content)).toEqual(['text/event-stream']);
    }
    expect(metrics.body).toContain('darkroom_sse_connections_open');
  });

  it('counts each request once by method, route and status, with its duration', async () => {
    const anonymous = new TestApi(harness.baseUrl);
    const read = async (name: string, labels: string) => {
      const text = (await anonymous.request('GET', '/metrics')).body;
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    };
    const okHealth = 'method="GET",route="/healthz",status="200"';
    const notFound = 'method="GET",route="unmatched",status="404"';
    const [health, missing, timed] = [
      await read('darkroom_http_requests_total', okHealth),
      await read('darkroom_http_requests_total', notFound),
      await read('darkroom_http_request_duration_seconds_count', 'method="GET",route="/healthz"'),
    ];
    for (let i = 0; i < 3; i++) await anonymous.request('GET', '/healthz');
    await anonymous.raw('GET', '/no-such-route');
    expect(await read('darkroom_http_requests_total', okHealth)).toBe(health + 3);
    expect(await read('darkroom_http_requests_total', notFound)).toBe(missing + 1);
    expect(await read('darkroom_http_request_duration_seconds_count', 'method="GET",route="/healthz"')).toBe(timed + 3);
  });

  it('docs/api.md and the OpenAPI document name the same routes', async () => {
    const anonymous = new TestApi(harness.baseUrl);
    const served = openApiRoutes((await anonymous.raw('GET', '/docs/json')).body);
    const documented = await documentedRoutes();
    expect(documented.size).toBeGreaterThan(40);
    expect([...documented].filter((route) => !served.has(route) && !(route in NOT_IN_OPENAPI) && !SERVED_BY_DELIVERY.has(route))).toEqual([]);
    expect([...SERVED_BY_DELIVERY].filter((route) => !documented.has(route) || served.has(route))).toEqual([]);
    expect([...served].filter((route) => !documented.has(route))).toEqual([]);
    // Those left out of the document are still served (a POST without its fields: refused, not counted as a login).
    for (const route of Object.keys(NOT_IN_OPENAPI)) {
      expect(documented.has(route) && !served.has(route), route).toBe(true);
      const [method, path] = route.split(' ') as [string, string];
      expect((await anonymous.raw(method, path, method === 'POST' ? {} : undefined)).status, route).not.toBe(404);
    }
  });

  it("declares, for each route docs/api.md gives a heading, every error status that route's section names", async () => {
    const document = (await new TestApi(harness.baseUrl).raw('GET', '/docs/json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const sections = (await apiDoc()).split(/\n(?=#{2,4} )/);
    const undeclared = sections.flatMap((section) => {
      const heading = section.slice(0, section.indexOf('\n'));
      const statuses = new Set([...section.matchAll(/`([45]\d\d)[ `]/g)].map((m) => m[1]!));
      return [...heading.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^\s`?]*)/g)].flatMap(([, method, path]) => {
        const declared = document.paths[path!.replace(/:(\w+)/g, '{$1}')]?.[method!.toLowerCase()]?.responses;
        return declared ? [...statuses].filter((status) => !(status in declared)).map((status) => `${method} ${path} ${status}`) : [];
      });
    });
    expect(undeclared).toEqual([]);
  });

  it('docs/api.md names every darkroom_ metric the API and the worker have', async () => {
    const served = `${await (await fetch(`${harness.baseUrl}/metrics`)).text()}\n${await harness.workerDeps.metrics.registry.metrics()}`;
    const names = new Set([...served.matchAll(/^# TYPE (darkroom_\w+)/gm)].map((m) => m[1]!));
    expect(names.size).toBeGreaterThanOrEqual(9);
    const doc = await apiDoc();
    for (const name of names) expect(doc, name).toContain(`\`${name}`);
  });

  it('unknown routes answer in the error shape', async () => {
    const res = await new TestApi(harness.baseUrl).raw('GET', '/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('not_found');
  });
});

describe('limits in the OpenAPI document', () => {
  it('documents the limits: RateLimit-* on tenant responses, Retry-After on 429, the body limit, the login limit', async () => {
    const docs = (await new TestApi(harness.baseUrl).raw('GET', '/docs/json')).body;
    const rateLimit = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
    const start = docs.paths['/v1/uploads'].post.responses;
    for (const status of ['201', '400', '404', '413', '415', '429']) {
      expect(Object.keys(start[status].headers ?? {}), status).toEqual(expect.arrayContaining(rateLimit));
      expect(start[status].headers[rateLimit[0]!].schema.type).toBe('integer');
    }
    expect(start['429'].headers).toHaveProperty('Retry-After');
    expect(start['201'].headers).not.toHaveProperty('Retry-After');
    expect(start['401'].headers).toBeUndefined(); // refused before the key is counted
    expect(start['400'].description).toContain('64 KiB');
    const tenantRoutes: [string, string, string][] = [
      ['/v1/assets/{id}', 'get', '200'],
      ['/v1/assets/{id}', 'delete', '204'],
      ['/v1/tenant', 'get', '200'],
      ['/v1/events/stream', 'get', '200'],
    ];
    for (const [path, method, ok] of tenantRoutes) {
      const responses = docs.paths[path][method].responses;
      expect(responses[ok].headers, path).toHaveProperty('RateLimit-Remaining');
      expect(responses['429'].headers, path).toHaveProperty('Retry-After');
    }
    // Admin routes are not rate limited by key.
    expect(docs.paths['/v1/admin/tenants'].post.responses['201'].headers).toBeUndefined();
    expect(docs.paths['/v1/admin/tenants'].post.responses['400'].description).toContain('64 KiB');
    // The console's login form stays out of `paths` (an HTML page); its limit is described in `info`.
    expect(docs.paths).not.toHaveProperty('/admin/login');
    expect(docs.info.description).toMatch(/POST \/admin\/login.*10 failed attempts per client IP per 15 minutes.*429 with Retry-After/);
    expect(docs.info.description).toContain('request bodies are at most 64 KiB (400 invalid_request)');
  });

  it('answers as documented: a body over 64 KiB gets 400 invalid_request, and so does an oversized login form', async () => {
    const big = JSON.stringify({ filename: 'x'.repeat(65 * 1024), contentType: 'image/jpeg', size: 1 });
    const tooLarge = await tenantA.request('POST', '/v1/uploads', JSON.parse(big));
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.error?.code).toBe('invalid_request');
    expect(tooLarge.headers.get('ratelimit-limit')).not.toBeNull();
    const form = await fetch(`${harness.baseUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'x'.repeat(5000) }).toString(),
    });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });
});
