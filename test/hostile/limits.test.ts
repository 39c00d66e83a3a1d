import { assets } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi, type ApiResponse } from '../support/client.js';
import { startSecondApi, type SecondApi } from '../support/harness.js';
import { expectRefusal } from '../support/hostile.js';
import { awayFromWindowEnd } from '../support/rate-window.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Limits on the doors (spec: api-platform.md, "Limits"): requests per key per minute counted across
 * two API processes of one deployment, sequentially and in a concurrent flood, and failed admin
 * logins per client IP, also concurrent, and behind a proxy (TRUST_PROXY).
 */
const harness = setupHarness({ withWorker: false, env: { RATE_LIMIT_PER_MINUTE: '1200' } });
let other: SecondApi;

beforeAll(async () => {
  other = await startSecondApi(harness, { RATE_LIMIT_PER_MINUTE: '1200' });
});
afterAll(() => other?.close());

async function tenantClients(settings: Record<string, unknown> = {}) {
  const res = await harness.admin.request('POST', '/v1/admin/tenants', { name: 'limits', ...settings });
  expect(res.status).toBe(201);
  return { one: harness.admin.withToken(res.body.apiKey), two: new TestApi(other.baseUrl, res.body.apiKey), tenantId: res.body.tenant.id as string };
}

const limitHeaders = (res: ApiResponse) => ({
  limit: res.headers.get('ratelimit-limit'),
  remaining: res.headers.get('ratelimit-remaining'),
  reset: Number(res.headers.get('ratelimit-reset')),
});

describe('per-key rate limit', () => {
  it('counts a key across API processes and refuses the request over the limit with 429 and Retry-After', async () => {
    await awayFromWindowEnd();
    const { one, two, tenantId } = await tenantClients({ rateLimitPerMinute: 4 });
    const answers = [await one.request('GET', '/v1/assets'), await two.request('GET', '/v1/assets'), await one.request('GET', '/v1/assets/nope')];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404]);
    expect(answers.map((r) => limitHeaders(r).remaining)).toEqual(['3', '2', '1']);
    for (const res of answers) {
      expect(limitHeaders(res).limit).toBe('4');
      expect(limitHeaders(res).reset).toBeGreaterThanOrEqual(1);
      expect(limitHeaders(res).reset).toBeLessThanOrEqual(60);
    }
    expect((await two.request('GET', '/v1/tenant')).status).toBe(200);

    for (const client of [one, two]) {
      const refused = await client.request('POST', '/v1/uploads', { filename: 'x.png', contentType: 'image/png', size: 10 });
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 4 } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(limitHeaders(refused)).toMatchObject({ limit: '4', remaining: '0' });
    }
    // The refused upload starts recorded nothing.
    expect(await harness.api.db.select().from(assets).where(eq(assets.tenantId, tenantId))).toEqual([]);
  });

  it('holds under a concurrent flood of upload starts on two processes: only the limit is served, nothing more recorded', async () => {
    await awayFromWindowEnd(15_000);
    const { one, two, tenantId } = await tenantClients({ rateLimitPerMinute: 5 });
    const start = (client: TestApi, i: number) =>
      client.request('POST', '/v1/uploads', { filename: `flood-${i}.png`, contentType: 'image/png', size: 10 });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => start(i % 2 ? one : two, i)));
    const served = answers.filter((res) => res.status === 201);
    const refused = answers.filter((res) => res.status === 429);
    expect(served).toHaveLength(5);
    expect(refused).toHaveLength(35);
    for (const res of answers) {
      expect(limitHeaders(res).limit).toBe('5');
      expect(limitHeaders(res).reset).toBeGreaterThanOrEqual(1);
      expect(limitHeaders(res).reset).toBeLessThanOrEqual(60);
    }
    expect(served.map((res) => limitHeaders(res).remaining).sort()).toEqual(['0', '1', '2', '3', '4']);
    for (const res of refused) {
      expectRefusal(harness, res, 429, 'rate_limited');
      expect(res.body.error?.details).toMatchObject({ limit: 5 });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(limitHeaders(res).remaining).toBe('0');
    }
    // Exactly the served starts left a row; the refused ones nothing.
    const rows = await harness.api.db.select({ id: assets.id }).from(assets).where(eq(assets.tenantId, tenantId));
    expect(rows.map((r) => r.id).sort()).toEqual(served.map((res) => res.body.asset.id as string).sort());
  });

  it('is per key: another tenant goes on, and the deployment default applies without a tenant setting', async () => {
    await awayFromWindowEnd();
    const limited = await tenantClients({ rateLimitPerMinute: 1 });
    expect((await limited.one.request('GET', '/v1/assets')).status).toBe(200);
    expect((await limited.two.request('GET', '/v1/assets')).status).toBe(429);
    const { one } = await tenantClients();
    const res = await one.request('GET', '/v1/assets');
    expect(res.status).toBe(200);
    expect(limitHeaders(res)).toMatchObject({ limit: '1200', remaining: '1199' });
  });

  it('follows a change of the tenant setting on the next request', async () => {
    await awayFromWindowEnd();
    const res = await harness.admin.request('POST', '/v1/admin/tenants', { name: 'limits', rateLimitPerMinute: 1 });
    const client = harness.admin.withToken(res.body.apiKey);
    expect((await client.request('GET', '/v1/assets')).status).toBe(200);
    expect((await client.request('GET', '/v1/assets')).status).toBe(429);
    await harness.admin.request('PATCH', `/v1/admin/tenants/${res.body.tenant.id}`, { rateLimitPerMinute: 10 });
    const after = await client.request('GET', '/v1/assets');
    expect(after.status).toBe(200);
    // Two admitted this window; the refused one is not counted (a process refuses a spent key
    // without asking Redis, so a flood of refusals costs Redis nothing: rate-counter.ts).
    expect(limitHeaders(after)).toMatchObject({ limit: '10', remaining: '8' });
  });
});

const WRONG = 'not-the-admin-token-but-long-enough-to-try';

/** POST /admin/login through Fastify's inject, from `remoteAddress` (the TCP peer), with any headers. */
const loginOn = (api: SecondApi, token: string, remoteAddress: string, headers: Record<string, string> = {}) =>
  api.app.inject({
    method: 'POST',
    url: '/admin/login',
    remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({ token }).toString(),
  });

describe('admin login attempts', () => {
  const login = (token: string, remoteAddress: string) => loginOn(other, token, remoteAddress);

  it('allows 10 failures per client IP, then refuses every attempt with 429, the right token too', async () => {
    for (let i = 0; i < 10; i++) expect((await login(WRONG, '203.0.113.7')).statusCode).toBe(401);
    for (const token of [WRONG, harness.adminToken]) {
      const res = await login(token, '203.0.113.7');
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(14 * 60);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // Another address is not held up, and its right token still logs in.
    const elsewhere = await login(harness.adminToken, '203.0.113.8');
    expect(elsewhere.statusCode).toBe(303);
    expect(elsewhere.headers['set-cookie']).toBeDefined();
  });

  it('holds under concurrency: of 30 wrong guesses sent at once, at most 10 are looked at, the rest get 429', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => login(WRONG, '203.0.113.9')));
    const statuses = answers.map((res) => res.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect((await login(harness.adminToken, '203.0.113.9')).statusCode).toBe(429);
  });

  it('counts only failures: logging in gives the attempt back', async () => {
    for (let i = 0; i < 12; i++) expect((await login(harness.adminToken, '203.0.113.10')).statusCode).toBe(303);
    for (let i = 0; i < 10; i++) expect((await login(WRONG, '203.0.113.10')).statusCode).toBe(401);
    expect((await login(WRONG, '203.0.113.10')).statusCode).toBe(429);
  });
});

describe('admin login attempts behind a proxy (TRUST_PROXY)', () => {
  it('without TRUST_PROXY ignores X-Forwarded-For: a spoofed header does not buy a new budget', async () => {
    const spoofed = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}` });
    for (let i = 0; i < 10; i++) expect((await loginOn(other, WRONG, '203.0.113.20', spoofed(i))).statusCode).toBe(401);
    expect((await loginOn(other, WRONG, '203.0.113.20', spoofed(99))).statusCode).toBe(429);
    expect((await loginOn(other, harness.adminToken, '203.0.113.20', spoofed(98))).statusCode).toBe(429);
  });

  it('with TRUST_PROXY, clients the proxy names in X-Forwarded-For have budgets of their own', async () => {
    const proxied = await startSecondApi(harness, { RATE_LIMIT_PER_MINUTE: '1200', TRUST_PROXY: '127.0.0.1' });
    try {
      const from = (client: string) => ({ 'x-forwarded-for': client });
      for (let i = 0; i < 10; i++) expect((await loginOn(proxied, WRONG, '127.0.0.1', from('198.51.100.30'))).statusCode).toBe(401);
      expect((await loginOn(proxied, WRONG, '127.0.0.1', from('198.51.100.30'))).statusCode).toBe(429);
      // Another client behind the same proxy is not held up.
      expect((await loginOn(proxied, WRONG, '127.0.0.1', from('198.51.100.31'))).statusCode).toBe(401);
      expect((await loginOn(proxied, harness.adminToken, '127.0.0.1', from('198.51.100.31'))).statusCode).toBe(303);
      // A peer that is not the trusted proxy cannot name a client: its own address is counted.
      for (let i = 0; i < 10; i++) expect((await loginOn(proxied, WRONG, '203.0.113.21', from(`198.51.100.${40 + i}`))).statusCode).toBe(401);
      expect((await loginOn(proxied, WRONG, '203.0.113.21', from('198.51.100.60'))).statusCode).toBe(429);
    } finally {
      await proxied.close();
    }
  });
});
