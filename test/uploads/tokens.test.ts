import { readFile } from 'node:fs/promises';
import { stagingKey } from '@darkroom/core/keys';
import { MiB } from '@darkroom/core/limits';
import { getAsset } from '@darkroom/db/queries/assets';
import { hashApiKey } from '@darkroom/db/queries/api-keys';
import { uploadTokens } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestApi, asMultipart, asSinglePut } from '../support/client.js';
import { expectRefusal } from '../support/hostile.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Browser upload tokens (`POST /v1/upload-tokens`) and resumable uploads (`GET /v1/uploads/:id/parts`,
 * `POST /v1/uploads/:id/url`), against the real Postgres, Redis and S3 server.
 */
// Multipart from 1 MiB, in parts of 8 MiB (the least the API takes): a 17 MiB file has three.
const harness = setupHarness({ withWorker: false, env: { MULTIPART_THRESHOLD_BYTES: String(MiB), MULTIPART_PART_SIZE: String(8 * MiB) } });
const t = setupTenant(harness, 'upload-tokens');
let jpeg: Uint8Array;

beforeAll(async () => {
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

const mint = (body: object = {}, client: TestApi = t.client) => client.withUploadToken(body);

/** A JPEG padded to `size` bytes: its first bytes still say JPEG, which is all `complete` checks of content. */
function jpegOfSize(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(jpeg);
  return bytes;
}

async function putPart(url: string, bytes: Uint8Array): Promise<string> {
  const res = await fetch(url, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer> });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.get('etag')!;
}

describe('POST /v1/upload-tokens', () => {
  it('mints a dut_ token with the defaults: an hour, 10 uploads', async () => {
    const before = Date.now();
    const res = await t.client.request('POST', '/v1/upload-tokens');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'maxUploads', 'token', 'visibility']);
    expect(res.body.token).toMatch(/^dut_[A-Za-z0-9_-]{43}$/);
    expect(res.body.maxUploads).toBe(10);
    const expiresIn = Date.parse(res.body.expiresAt) - before;
    expect(expiresIn).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000 + 5000);
  });

  it('stores only a hash of the token', async () => {
    const res = await t.client.request('POST', '/v1/upload-tokens', { maxUploads: 3, expiresIn: 60 });
    const rows = await harness.api.db.select().from(uploadTokens).where(eq(uploadTokens.tenantId, t.tenantId));
    const row = rows.find((r) => r.tokenHash === hashApiKey(res.body.token));
    expect(row).toMatchObject({ maxUploads: 3, uploadsStarted: 0, mintedByKeyId: expect.any(String) });
    expect(JSON.stringify(rows)).not.toContain(res.body.token);
    expect(res.body.token.startsWith(row!.prefix)).toBe(true);
  });

  it('refuses out-of-range and wider-than-tenant limits, and an unknown preset', async () => {
    const cases: [object, number, string][] = [
      [{ expiresIn: 59 }, 400, 'invalid_request'],
      [{ expiresIn: 86_401 }, 400, 'invalid_request'],
      [{ maxUploads: 0 }, 400, 'invalid_request'],
      [{ maxUploads: 1001 }, 400, 'invalid_request'],
      [{ maxUploadBytes: harness.api.config.uploads.maxBytes + 1 }, 400, 'invalid_request'],
      [{ acceptedContentTypes: ['image/svg+xml'] }, 400, 'invalid_request'],
      [{ acceptedContentTypes: [] }, 400, 'invalid_request'],
      [{ metadata: { client: 'mine' } }, 400, 'invalid_request'],
      [{ unknown: 1 }, 400, 'invalid_request'],
      [{ preset: 'no-such-preset' }, 404, 'preset_not_found'],
    ];
    for (const [body, status, code] of cases) {
      expectRefusal(harness, await t.client.request('POST', '/v1/upload-tokens', body), status, code);
    }
  });

  it('an admin mints one for a tenant; an unknown tenant is 404', async () => {
    const res = await t.admin.request('POST', `/v1/admin/tenants/${t.tenantId}/upload-tokens`, { maxUploads: 2 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.maxUploads).toBe(2);
    const token = t.client.withToken(res.body.token);
    const started = await token.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: jpeg.length });
    expect(started.status).toBe(201);
    const missing = await t.admin.request('POST', '/v1/admin/tenants/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/upload-tokens', {});
    expectRefusal(harness, missing, 404, 'not_found');
    expectRefusal(harness, await t.client.request('POST', `/v1/admin/tenants/${t.tenantId}/upload-tokens`, {}), 403, 'forbidden');
  });
});

describe('uploads with a token', () => {
  it('forces the token preset and metadata; the browser adds metadata.client; the token id is on the asset', async () => {
    const token = await mint({ preset: 'default', metadata: { userId: 'u-1', plan: 'pro' } });
    const res = await token.request('POST', '/v1/uploads', {
      filename: 'a.jpg',
      contentType: 'image/jpeg',
      size: jpeg.length,
      metadata: { client: { album: 'x' } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.asset.preset).toBe('default');
    expect(res.body.asset.metadata).toEqual({ userId: 'u-1', plan: 'pro', client: { album: 'x' } });
    expect((await getAsset(harness.api.db, { id: res.body.asset.id }))!.uploadTokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await token.request('GET', `/v1/assets/${res.body.asset.id}`)).status).toBe(200);
  });

  it('narrows the tenant: its size and types', async () => {
    const token = await mint({ maxUploadBytes: 1000, acceptedContentTypes: ['image/png'] });
    const big = await token.request('POST', '/v1/uploads', { filename: 'a.png', contentType: 'image/png', size: 1001 });
    expectRefusal(harness, big, 413, 'file_too_large');
    const jpg = await token.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 100 });
    expectRefusal(harness, jpg, 415, 'unsupported_media_type');
    expect((await token.request('POST', '/v1/uploads', { filename: 'a.png', contentType: 'image/png', size: 1000 })).status).toBe(201);
  });

  it('is refused with 403 forbidden on the routes it may not call, admin routes included', async () => {
    const token = await mint();
    const refused: [string, string][] = [
      ['GET', '/v1/admin/tenants'],
      ['GET', `/v1/admin/tenants/${t.tenantId}`],
      ['POST', `/v1/admin/tenants/${t.tenantId}/upload-tokens`],
      ['GET', '/v1/admin/jobs'],
      ['GET', '/v1/assets'],
      ['POST', '/v1/upload-tokens'],
    ];
    for (const [method, path] of refused) {
      expectRefusal(harness, await token.raw(method, path), 403, 'forbidden');
    }
  });

  it('uploads a JPEG end to end with the token alone', async () => {
    const token = await mint();
    const { asset } = await token.uploadAndComplete(jpeg, { filename: 'a.jpg', contentType: 'image/jpeg' });
    expect((await token.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('queued');
  });
});

describe('GET /v1/uploads/:assetId/parts: resuming a multipart upload', () => {
  it('lists the parts sent, gives URLs for the missing ones only, and the upload completes from them', async () => {
    const token = await mint();
    const bytes = jpegOfSize(16 * MiB + 1000);
    const started = await token.request('POST', '/v1/uploads', { filename: 'big.jpg', contentType: 'image/jpeg', size: bytes.length });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const { asset } = started.body;
    const upload = asMultipart(started.body.upload);
    expect(upload.parts).toHaveLength(3);
    const chunk = (n: number) => bytes.subarray((n - 1) * upload.partSize, n * upload.partSize);
    const firstEtag = await putPart(upload.parts[0]!.url, chunk(1));

    // The page reloads: it asks what the bucket holds.
    const listed = await token.request('GET', `/v1/uploads/${asset.id}/parts`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.partSize).toBe(upload.partSize);
    expect(listed.body.uploaded).toEqual([{ partNumber: 1, etag: firstEtag, size: 8 * MiB }]);
    expect(listed.body.parts.map((p: { partNumber: number }) => p.partNumber)).toEqual([2, 3]);
    expect(Date.parse(listed.body.expiresAt)).toBeGreaterThan(Date.now());

    const rest = await Promise.all(
      listed.body.parts.map(async (p: { partNumber: number; url: string }) => ({
        partNumber: p.partNumber,
        etag: await putPart(p.url, chunk(p.partNumber)),
      })),
    );
    const parts = [...listed.body.uploaded.map(({ partNumber, etag }: { partNumber: number; etag: string }) => ({ partNumber, etag })), ...rest];
    const again = await token.request('GET', `/v1/uploads/${asset.id}/parts`);
    expect(again.body.uploaded.map((p: { partNumber: number }) => p.partNumber)).toEqual([1, 2, 3]);
    expect(again.body.parts).toEqual([]);

    const completed = await token.request('POST', `/v1/uploads/${asset.id}/complete`, { parts });
    expect(completed.status, JSON.stringify(completed.body)).toBe(202);
    // Queued now: nothing left to resume.
    expectRefusal(harness, await token.request('GET', `/v1/uploads/${asset.id}/parts`), 409, 'invalid_state');
  });

  it('a PUT upload has no parts (409), and a multipart one no single URL (409)', async () => {
    const put = (await t.client.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: jpeg.length })).body;
    expectRefusal(harness, await t.client.request('GET', `/v1/uploads/${put.asset.id}/parts`), 409, 'invalid_state');
    const multi = (await t.client.request('POST', '/v1/uploads', { filename: 'b.jpg', contentType: 'image/jpeg', size: 2 * MiB })).body;
    expect(multi.upload.method).toBe('MULTIPART');
    expectRefusal(harness, await t.client.request('POST', `/v1/uploads/${multi.asset.id}/url`), 409, 'invalid_state');
    expect((await t.client.request('GET', `/v1/uploads/${multi.asset.id}/parts`)).body.parts).toHaveLength(1);
  });

  it('an upload the bucket no longer holds is 409 upload_missing', async () => {
    const multi = (await t.client.request('POST', '/v1/uploads', { filename: 'b.jpg', contentType: 'image/jpeg', size: 2 * MiB })).body;
    const row = (await getAsset(harness.api.db, { id: multi.asset.id }))!;
    await harness.api.storage.abortMultipartUpload({
      bucket: harness.api.config.storage.bucket,
      key: stagingKey(t.tenantId, row.id),
      uploadId: row.uploadId!,
    });
    const res = await t.client.request('GET', `/v1/uploads/${multi.asset.id}/parts`);
    expectRefusal(harness, res, 409, 'upload_missing');
  });
});

describe('POST /v1/uploads/:assetId/url: restarting a PUT upload', () => {
  it('gives a fresh URL while awaiting the upload; the file PUT there completes; afterwards 409', async () => {
    const token = await mint();
    const started = (await token.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: jpeg.length })).body;
    const res = await token.request('POST', `/v1/uploads/${started.asset.id}/url`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body)).toEqual(['upload']);
    expect(res.body.upload).toMatchObject({ method: 'PUT', headers: asSinglePut(started.upload).headers });
    expect(Date.parse(res.body.upload.expiresAt)).toBeGreaterThan(Date.now());
    const put = await fetch(res.body.upload.url, { method: 'PUT', headers: res.body.upload.headers, body: jpeg as Uint8Array<ArrayBuffer> });
    expect(put.status).toBe(200);
    expect((await token.request('POST', `/v1/uploads/${started.asset.id}/complete`, {})).status).toBe(202);
    expectRefusal(harness, await token.request('POST', `/v1/uploads/${started.asset.id}/url`), 409, 'invalid_state');
  });

  it('an aborted upload gets no URL', async () => {
    const started = (await t.client.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: jpeg.length })).body;
    expect((await t.client.request('POST', `/v1/uploads/${started.asset.id}/abort`)).status).toBe(200);
    expectRefusal(harness, await t.client.request('POST', `/v1/uploads/${started.asset.id}/url`), 409, 'invalid_state');
  });
});

describe('CORS for browsers on CORS_ORIGINS (http://localhost:5173 in tests)', () => {
  const page = 'http://localhost:5173';
  const preflight = (path: string, method: string, origin = page) =>
    fetch(`${harness.baseUrl}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
    });

  it('answers preflights of the routes an upload token may call, from an allowed origin', async () => {
    const id = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const routes: [string, string][] = [
      ['/v1/uploads', 'POST'],
      [`/v1/uploads/${id}/complete`, 'POST'],
      [`/v1/uploads/${id}/abort`, 'POST'],
      [`/v1/uploads/${id}/parts`, 'GET'],
      [`/v1/uploads/${id}/url`, 'POST'],
      [`/v1/assets/${id}`, 'GET'],
      [`/v1/assets/${id}/events`, 'GET'],
    ];
    for (const [path, method] of routes) {
      const res = await preflight(path, method);
      expect(res.status, `${method} ${path}`).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(page);
      expect(res.headers.get('access-control-allow-methods')).toContain(method);
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('authorization, content-type');
      expect(res.headers.get('vary')).toContain('Origin');
    }
  });

  it('refuses preflights of other routes, other methods and other origins, without CORS headers', async () => {
    const refused: [string, string, string][] = [
      ['/v1/assets', 'GET', page],
      ['/v1/assets/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'DELETE', page],
      ['/v1/upload-tokens', 'POST', page],
      ['/v1/webhooks', 'POST', page],
      ['/v1/admin/tenants', 'POST', page],
      ['/v1/uploads', 'POST', 'https://evil.example'],
      ['/v1/uploads', 'POST', 'http://localhost:5174'],
    ];
    for (const [path, method, origin] of refused) {
      const res = await preflight(path, method, origin);
      expect([403, 404], `${method} ${path} from ${origin}`).toContain(res.status);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
    }
  });

  it('exposes the rate-limit headers on responses of those routes, errors included, and nowhere else', async () => {
    const token = await mint();
    const headers = { origin: page, authorization: `Bearer ${token.token}` };
    const started = await fetch(`${harness.baseUrl}/v1/uploads`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'a.jpg', contentType: 'image/jpeg', size: jpeg.length }),
    });
    expect(started.status).toBe(201);
    expect(started.headers.get('access-control-allow-origin')).toBe(page);
    expect(started.headers.get('access-control-expose-headers')).toBe('RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After');
    expect(started.headers.get('ratelimit-remaining')).not.toBeNull();
    const unauthorized = await fetch(`${harness.baseUrl}/v1/assets/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b`, { headers: { origin: page } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(page);
    // A route a token may not call: no CORS headers, so a browser cannot even read the refusal.
    const other = await fetch(`${harness.baseUrl}/v1/assets`, { headers });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const elsewhere = await fetch(`${harness.baseUrl}/v1/uploads`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', authorization: headers.authorization },
    });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the OpenAPI document', () => {
  it('has the new routes with their schemas, and the dut_ bearer scheme on exactly the routes a token may call', async () => {
    const docs = (await new TestApi(harness.baseUrl).raw('GET', '/docs/json')).body;
    expect(docs.components.securitySchemes.uploadToken).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'dut_' });
    const mint = docs.paths['/v1/upload-tokens'].post;
    expect(mint.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/UploadToken');
    expect(docs.components.schemas.UploadToken.required.sort()).toEqual(['expiresAt', 'maxUploads', 'token', 'visibility']);
    const body = mint.requestBody.content['application/json'].schema;
    expect(body.properties.expiresIn).toMatchObject({ type: 'integer', minimum: 60, maximum: 86400, default: 3600 });
    expect(body.properties.maxUploads).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 10 });
    expect(Object.keys(mint.responses).sort()).toEqual(['201', '400', '401', '403', '404', '429']);
    expect(Object.keys(docs.paths['/v1/admin/tenants/{id}/upload-tokens'].post.responses).sort()).toEqual(['201', '400', '401', '403', '404']);

    const parts = docs.paths['/v1/uploads/{assetId}/parts'].get.responses;
    expect(parts['200'].content['application/json'].schema.required.sort()).toEqual(['expiresAt', 'partSize', 'parts', 'uploaded']);
    expect(Object.keys(parts).sort()).toEqual(['200', '401', '403', '404', '409', '429']);
    const url = docs.paths['/v1/uploads/{assetId}/url'].post.responses['200'].content['application/json'].schema;
    expect(url.properties.upload.properties.method).toMatchObject({ enum: ['PUT'] });

    const withToken = Object.entries(docs.paths as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => JSON.stringify(op.security ?? []).includes('uploadToken'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(withToken.sort()).toEqual(
      [
        'POST /v1/uploads',
        'GET /v1/uploads/rules',
        'POST /v1/uploads/{assetId}/complete',
        'POST /v1/uploads/{assetId}/abort',
        'GET /v1/uploads/{assetId}/parts',
        'POST /v1/uploads/{assetId}/sign',
        'POST /v1/uploads/{assetId}/url',
        'GET /v1/assets/{id}',
        'PATCH /v1/assets/{id}',
        'GET /v1/assets/{id}/events',
      ].sort(),
    );
  });
});
