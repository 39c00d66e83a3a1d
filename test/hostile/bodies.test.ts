import { ERRORS } from '@darkroom/core/error-factories';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { expectRefusal } from '../support/hostile.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Hostile request bodies on every route that takes one: each is refused with `400 invalid_request`
 * in the error shape, names nothing internal, and the API goes on serving.
 */
const harness = setupHarness({ withWorker: false });
let client: TestApi;
let assetId: string;

beforeAll(async () => {
  const created = await harness.admin.createTenant('hostile-bodies');
  client = harness.admin.withToken(created.apiKey);
  const started = await client.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 10 });
  assetId = started.body.asset.id;
});

/** Sends a raw body, as an attacker would, not through JSON.stringify. */
async function raw(token: string, method: string, path: string, body: string | Uint8Array<ArrayBuffer>, contentType = 'application/json') {
  const res = await fetch(`${harness.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

const tenantRoutes = () => [
  ['POST', '/v1/uploads'],
  ['POST', `/v1/uploads/${assetId}/complete`],
];
const adminRoutes = () => [
  ['POST', '/v1/admin/tenants'],
  ['POST', '/v1/admin/backfill'],
  ['POST', '/v1/admin/jobs/retry'],
];

function eachRoute(check: (token: string, method: string, path: string) => Promise<void>) {
  return async () => {
    for (const [method, path] of tenantRoutes()) await check(client.token!, method!, path!);
    for (const [method, path] of adminRoutes()) await check(harness.adminToken, method!, path!);
  };
}

describe('hostile bodies are refused with 400 invalid_request', () => {
  it(
    'malformed JSON',
    eachRoute(async (token, method, path) => {
      for (const body of ['{', '{"filename":', 'null', '[]', '"x"', '{"a":1}}', '\u0000']) {
        expectRefusal(harness, await raw(token, method, path, body), 400, 'invalid_request');
      }
    }),
  );

  it(
    'a body over 64 KiB, whatever it holds',
    eachRoute(async (token, method, path) => {
      const big = JSON.stringify({ filename: 'x'.repeat(70 * 1024) });
      expectRefusal(harness, await raw(token, method, path, big), 400, 'invalid_request');
    }),
  );

  it(
    'another content type than JSON',
    eachRoute(async (token, method, path) => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
        const res = await raw(token, method, path, 'filename=a&size=1', type);
        expect([400, 415], `${path} ${type}`).toContain(res.status);
        expectRefusal(harness, res, res.status, res.status === 415 ? 'unsupported_media_type' : 'invalid_request');
        if (res.status === 400) expect(res.body.error?.message, `${path} ${type}`).toBe(ERRORS.bodyNotJson().message);
      }
    }),
  );

  it('unknown fields, prototype keys and wrong types, naming the field', async () => {
    const start = { filename: 'a.jpg', contentType: 'image/jpeg', size: 10 };
    const cases: [Record<string, unknown> | string, string][] = [
      [{ ...start, owner: 'someone-else' }, '"owner"'],
      // Refused by the JSON parser itself (prototype poisoning), before any schema sees them.
      ['{"filename":"a.jpg","contentType":"image/jpeg","size":10,"__proto__":{"admin":true}}', ''],
      ['{"filename":"a.jpg","contentType":"image/jpeg","size":10,"constructor":{"prototype":{"x":1}}}', ''],
      // A number no double holds, sent as written (JSON.stringify would turn 1e400, Infinity, into null).
      ['{"filename":"a.jpg","contentType":"image/jpeg","size":1e400}', '"size"'],
      [{ ...start, size: null }, '"size"'],
      [{ ...start, size: -1 }, '"size"'],
      [{ ...start, size: 2 ** 53 }, ''],
      [{ ...start, filename: ['a'] }, '"filename"'],
      [{ ...start, contentType: 'x'.repeat(300) }, '"contentType"'],
      [{ ...start, metadata: 'not an object' }, '"metadata"'],
    ];
    for (const [body, field] of cases) {
      const res = await raw(client.token!, 'POST', '/v1/uploads', typeof body === 'string' ? body : JSON.stringify(body));
      expectRefusal(harness, res, res.status === 413 ? 413 : 400, res.status === 413 ? 'file_too_large' : 'invalid_request');
      if (field) expect(res.body.error?.message, JSON.stringify(body)).toContain(field);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('metadata that is huge, or deeply nested, within the body limit', async () => {
    const start = { filename: 'a.jpg', contentType: 'image/jpeg', size: 10 };
    expectRefusal(harness, await client.request('POST', '/v1/uploads', { ...start, metadata: { note: 'x'.repeat(5000) } }), 400, 'invalid_request');
    const manyKeys = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    expectRefusal(harness, await client.request('POST', '/v1/uploads', { ...start, metadata: manyKeys }), 400, 'invalid_request');
    // Deep enough that a recursive walk (JSON.stringify) would overflow the stack: it once answered 500.
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const nested = await raw(client.token!, 'POST', '/v1/uploads', `{"filename":"a.jpg","contentType":"image/jpeg","size":10,"metadata":${deep}}`);
    expectRefusal(harness, nested, 400, 'invalid_request');
    expect(nested.body.error?.message).toContain('deeper than');
  });

  it('a NUL character in any string or key of a body, which Postgres stores in none: it once answered 500', async () => {
    const start = { filename: 'a.jpg', contentType: 'image/jpeg', size: 10 };
    const bucket = { type: 'bucket', region: 'us-east-1', bucket: 'their-library', accessKeyId: 'AKIA', secretAccessKey: 'secret' };
    const url = 'https://example.com/a.jpg';
    const cases: [string, string, Record<string, unknown>][] = [
      ['POST', '/v1/uploads', { ...start, metadata: { note: 'a\u0000b' } }],
      ['POST', '/v1/uploads', { ...start, metadata: { 'a\u0000b': 1 } }],
      ['POST', '/v1/imports', { source: { type: 'urls', items: [{ url, externalId: 'id\u0000' }] } }],
      ['POST', '/v1/imports', { source: { type: 'urls', items: [{ url: `${url}?q=\u0000` }] } }],
      ['POST', '/v1/imports', { source: { type: 'urls', items: [{ url }] }, metadata: { deep: [{ note: '\u0000' }] } }],
      ['POST', '/v1/imports', { source: { ...bucket, prefix: 'photos/\u0000' } }],
      ['POST', '/v1/imports', { source: { ...bucket, region: 'us-east-1\u0000' } }],
    ];
    for (const [method, path, body] of cases) {
      const res = await raw(client.token!, method, path, JSON.stringify(body));
      expectRefusal(harness, res, 400, 'invalid_request');
      expect(res.body.error.message, JSON.stringify(body)).toContain('NUL');
    }
    expectRefusal(harness, await raw(harness.adminToken, 'POST', '/v1/admin/tenants', JSON.stringify({ name: 'a\u0000b' })), 400, 'invalid_request');
    // A backslash and "u0000" as text is no NUL.
    const text = await raw(client.token!, 'POST', '/v1/uploads', JSON.stringify({ ...start, metadata: { note: '\\u0000' } }));
    expect(text.status, JSON.stringify(text.body)).toBe(201);
    expect(text.body.asset.metadata).toEqual({ note: '\\u0000' });
  });

  it('hostile query strings and ids', async () => {
    for (const query of [
      'limit=0',
      'limit=1000000',
      'limit=abc',
      'status=deleting',
      'status=ready&status=failed',
      'cursor=%00%ff',
      `cursor=${'A'.repeat(2000)}`,
    ]) {
      expectRefusal(harness, await client.request('GET', `/v1/assets?${query}`), 400, 'invalid_request');
    }
    for (const id of ['not-a-uuid', '..%2F..%2Fetc%2Fpasswd', "1' OR '1'='1", '%00', 'a'.repeat(500)]) {
      expectRefusal(harness, await client.request('GET', `/v1/assets/${id}`), 404, 'not_found');
    }
    expectRefusal(harness, await client.request('GET', '/v1/assets/%zz'), 400, 'invalid_request');
  });

  it('still serves after all of it', async () => {
    expect((await client.request('GET', `/v1/assets/${assetId}`)).status).toBe(200);
    expect((await fetch(`${harness.baseUrl}/healthz`)).status).toBe(200);
  });
});
