import { EVENT_TYPES } from '@darkroom/core/contract/event';
import { MAX_WEBHOOK_URL_LENGTH } from '@darkroom/core/webhook-guard';
import { webhooks } from '@darkroom/db/webhook-schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { startSecondApi, type SecondApi } from '../support/harness.js';
import { setupHarness } from '../support/setup-harness.js';

/** The webhook routes themselves: what is stored, what is shown, and what is refused. No deliveries here. */
const harness = setupHarness({ withWorker: false, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
let strict: SecondApi;
let client: TestApi;

beforeAll(async () => {
  // Another API of the same deployment as production runs it: without WEBHOOK_ALLOW_PRIVATE.
  strict = await startSecondApi(harness, { WEBHOOK_ALLOW_PRIVATE: 'false' });
  ({ client } = await createTestTenant(harness, 'webhooks-api'));
});
afterAll(() => strict?.close());

describe('webhook routes', () => {
  it('create shows the secret once; list and patch never show it, and Postgres holds it sealed', async () => {
    const created = await client.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', description: 'CMS' });
    expect(created.status).toBe(201);
    const { webhook, secret } = created.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({ url: 'http://127.0.0.1:9/hook', enabled: true, description: 'CMS' });
    expect(webhook.events).toEqual([...EVENT_TYPES]);

    const listed = await client.request('GET', '/v1/webhooks');
    expect(listed.body.items).toEqual([webhook]);
    const patched = await client.request('PATCH', `/v1/webhooks/${webhook.id}`, { events: ['asset.ready', 'asset.failed'], enabled: false });
    expect(patched.body.webhook).toMatchObject({ id: webhook.id, events: ['asset.ready', 'asset.failed'], enabled: false });
    for (const shown of [webhook, listed.body.items, patched.body.webhook]) expect(JSON.stringify(shown)).not.toContain(secret.slice(6));

    const [row] = await harness.api.db.select().from(webhooks).where(eq(webhooks.id, webhook.id));
    expect(row!.secretSealed).not.toContain(secret.slice(6));
    expect(harness.api.secretBox.open(row!.secretSealed, webhook.id)).toBe(secret);

    expect((await client.request('DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(204);
    expect((await client.request('DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(404);
  });

  it('answers 404 for another tenant’s webhooks on every route', async () => {
    const { webhook } = (await client.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/mine' })).body;
    const other = await createTestTenant(harness, 'webhooks-api-other');
    const routes: [string, string, unknown?][] = [
      ['PATCH', `/v1/webhooks/${webhook.id}`, { enabled: false }],
      ['DELETE', `/v1/webhooks/${webhook.id}`],
      ['POST', `/v1/webhooks/${webhook.id}/rotate-secret`],
      ['GET', `/v1/webhooks/${webhook.id}/deliveries`],
      ['PATCH', '/v1/webhooks/not-an-id', { enabled: false }],
    ];
    for (const [method, path, body] of routes) {
      const res = await other.client.raw(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error?.code).toBe('not_found');
    }
    expect((await other.client.request('GET', '/v1/webhooks')).body.items).toEqual([]);
    expect((await client.request('GET', `/v1/webhooks/${webhook.id}/deliveries`)).body).toEqual({ items: [], nextCursor: null });
  });

  it('refuses unknown fields, unknown event types and an eleventh webhook', async () => {
    const { client: fresh } = await createTestTenant(harness, 'webhooks-api-cap');
    expect((await fresh.raw('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/', secret: 'mine' })).status).toBe(400);
    expect((await fresh.raw('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/', events: ['asset.exploded'] })).status).toBe(400);
    for (let i = 0; i < 10; i++) expect((await fresh.request('POST', '/v1/webhooks', { url: `http://127.0.0.1:9/${i}` })).status).toBe(201);
    const eleventh = await fresh.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/10' });
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.error).toMatchObject({ code: 'invalid_state', details: { limit: 10 } });
  });
});

describe('the SSRF guard at creation (without WEBHOOK_ALLOW_PRIVATE)', () => {
  it('refuses http, private and loopback addresses, names resolving to them, and credentials, naming the problem', async () => {
    const viaStrict = new TestApi(strict.baseUrl, client.token);
    const refusals: [string, RegExp][] = [
      ['http://hooks.example.com/', /must use https/],
      ['https://127.0.0.1/hook', /non-public address/],
      ['https://10.0.0.8/hook', /non-public address/],
      ['https://169.254.169.254/latest/meta-data', /non-public address/],
      ['https://[::1]/hook', /non-public address/],
      ['https://[::ffff:192.168.1.1]/hook', /non-public address/],
      ['https://localhost/hook', /resolves to a private/],
      ['https://user:pw@93.184.215.14/hook', /credentials/],
      [`https://93.184.215.14/${'a'.repeat(2100)}`, /"url".*2048 characters/],
    ];
    for (const [url, problem] of refusals) {
      const res = await viaStrict.request('POST', '/v1/webhooks', { url });
      expect(res.status, url).toBe(400);
      expect(res.body.error?.code).toBe('invalid_request');
      expect(res.body.error?.message, url).toMatch(problem);
    }
    // The same URL is fine where WEBHOOK_ALLOW_PRIVATE is on, and a public address is fine everywhere.
    expect((await client.request('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/dev' })).status).toBe(201);
    const created = await viaStrict.request('POST', '/v1/webhooks', { url: 'https://93.184.215.14/hook' });
    expect(created.status).toBe(201);
    const patched = await viaStrict.request('PATCH', `/v1/webhooks/${created.body.webhook.id}`, { url: 'https://192.168.0.1/' });
    expect(patched.status).toBe(400);
    expect(patched.body.error?.message).toMatch(/non-public address/);
  });
});

describe('the URL limit in the OpenAPI document', () => {
  it('is the one the guard holds to, on create and on patch', async () => {
    const docs = (await new TestApi(harness.baseUrl).raw('GET', '/docs/json')).body;
    const urlOf = (method: 'post' | 'patch', path: string) =>
      docs.paths[path][method].requestBody.content['application/json'].schema.properties.url as { maxLength?: number };
    expect(urlOf('post', '/v1/webhooks').maxLength).toBe(MAX_WEBHOOK_URL_LENGTH);
    expect(urlOf('patch', '/v1/webhooks/{id}').maxLength).toBe(MAX_WEBHOOK_URL_LENGTH);
    const res = await client.request('POST', '/v1/webhooks', { url: `http://127.0.0.1:9/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH)}` });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('invalid_request');
  });
});
