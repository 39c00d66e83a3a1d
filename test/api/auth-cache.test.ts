import { hashApiKey } from '@darkroom/db/queries/api-keys';
import { tenants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { startSecondApi, type SecondApi } from '../support/harness.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Two API processes of one deployment (same Postgres, Redis and queue prefix): each caches key
 * lookups, and a revocation or tenant change made through one is refused by the other at once.
 */
const harness = setupHarness({ withWorker: false });
let other: SecondApi;

beforeAll(async () => {
  other = await startSecondApi(harness);
});
afterAll(() => other?.close());

describe('key lookups cached per API process', () => {
  it('a key revoked through one process gets 401 from the other on the very next request', async () => {
    for (let round = 0; round < 5; round++) {
      const { admin, client } = await createTestTenant(harness, `auth-cache-${round}`);
      const viaOther = new TestApi(other.baseUrl, client.token);
      // Cached in both processes.
      for (let i = 0; i < 3; i++) expect((await viaOther.request('GET', '/v1/assets')).status).toBe(200);
      expect((await client.request('GET', '/v1/assets')).status).toBe(200);

      const keyId = (await harness.api.db.query.apiKeys.findFirst({ where: (k, { eq: equals }) => equals(k.keyHash, hashApiKey(client.token!)) }))!
        .id;
      expect((await admin.request('DELETE', `/v1/admin/keys/${keyId}`)).status).toBe(204);
      expect((await viaOther.request('GET', '/v1/assets')).status).toBe(401);
      expect((await client.request('GET', '/v1/assets')).status).toBe(401);
    }
  });

  it("answers a cached key at once (resolveNow, the hook's path without a promise), and stops once it is revoked", async () => {
    const { admin, client, tenantId } = await createTestTenant(harness, 'auth-cache-now');
    const digest = hashApiKey(client.token!);
    // Right after a request the lease is held (a stall past it on a loaded machine just means another try).
    let known;
    for (let attempt = 0; attempt < 5 && !known; attempt++) {
      expect((await client.request('GET', '/v1/assets')).status).toBe(200);
      known = harness.api.authCache.resolveNow(digest);
    }
    expect(known?.found?.tenant?.id).toBe(tenantId);
    expect(known?.requests?.count).toBeGreaterThanOrEqual(2);
    expect(harness.api.authCache.resolveNow(hashApiKey('dk_not-a-key'))).toBeUndefined();

    const keyId = known!.found!.key!.id;
    expect((await admin.request('DELETE', `/v1/admin/keys/${keyId}`)).status).toBe(204);
    expect(harness.api.authCache.resolveNow(digest)).toBeUndefined();
    expect((await client.request('GET', '/v1/assets')).status).toBe(401);
  });

  it('a tenant change broadcast through one process reaches the cache of the other', async () => {
    const { client, tenantId } = await createTestTenant(harness, 'auth-cache-tenant');
    const viaOther = new TestApi(other.baseUrl, client.token);
    expect((await viaOther.request('GET', '/v1/assets')).status).toBe(200);
    // The tenant goes (its keys with it), and the change is announced, as a settings change would be.
    await harness.api.db.delete(tenants).where(eq(tenants.id, tenantId));
    await harness.api.authCache.invalidateTenant(tenantId);
    expect((await viaOther.request('GET', '/v1/assets')).status).toBe(401);
  });
});
