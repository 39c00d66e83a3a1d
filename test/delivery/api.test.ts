import { DEFAULT_DELIVERY_POLICY, DELIVERY_KEY_OVERLAP_MS, signDeliveryPath, verifyDeliverySignature } from '@darkroom/core/delivery';
import { tenants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { startSecondApi } from '../support/harness.js';
import { awayFromWindowEnd } from '../support/rate-window.js';
import { setupHarness } from '../support/setup-harness.js';

/** The tenant's delivery policy and signing key (docs/api.md, "Delivery: images on request") through the real API and Postgres. */
const harness = setupHarness({ withWorker: false });
let admin: TestApi;
let mine: TestApi;
let mineId: string;
let theirs: TestApi;

beforeAll(async () => {
  ({ admin, client: mine, tenantId: mineId } = await createTestTenant(harness, 'delivery-mine'));
  ({ client: theirs } = await createTestTenant(harness, 'delivery-theirs'));
});

const row = async (id: string) => (await harness.api.db.select().from(tenants).where(eq(tenants.id, id)))[0]!;

describe('the delivery policy', () => {
  it('shows the defaults in full until the tenant sets anything', async () => {
    const own = await mine.request('GET', '/v1/tenant');
    expect(own.status).toBe(200);
    expect(own.body.tenant.delivery).toEqual(DEFAULT_DELIVERY_POLICY);
    expect((await admin.request('GET', `/v1/admin/tenants/${mineId}`)).body.tenant.delivery).toEqual(DEFAULT_DELIVERY_POLICY);
  });

  it('merges the fields a PATCH names, keeps the rest, and shows the change on the next request of every API process', async () => {
    const second = await startSecondApi(harness);
    try {
      const elsewhere = new TestApi(second.baseUrl, mine.token);
      // Read once there, so that process has the tenant cached with its key.
      expect((await elsewhere.request('GET', '/v1/tenant')).body.tenant.delivery.quality).toBe(75);
      const first = await admin.request('PATCH', `/v1/admin/tenants/${mineId}`, { delivery: { widths: [320, 640], avif: false } });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.tenant.delivery).toEqual({ ...DEFAULT_DELIVERY_POLICY, widths: [320, 640], avif: false });
      const second_ = await admin.request('PATCH', `/v1/admin/tenants/${mineId}`, {
        delivery: { quality: 60, rendersPerMinute: 30 },
        name: 'delivery-mine-2',
      });
      expect(second_.status).toBe(200);
      const merged = { ...DEFAULT_DELIVERY_POLICY, widths: [320, 640], avif: false, quality: 60, rendersPerMinute: 30 };
      expect(second_.body.tenant).toMatchObject({ name: 'delivery-mine-2', delivery: merged });
      // Stored: only what the tenant set, so a later change of a default reaches it.
      expect((await row(mineId)).delivery).toEqual({ widths: [320, 640], avif: false, quality: 60, rendersPerMinute: 30 });
      expect((await mine.request('GET', '/v1/tenant')).body.tenant.delivery).toEqual(merged);
      expect((await elsewhere.request('GET', '/v1/tenant')).body.tenant.delivery).toEqual(merged);
      // null puts rendersPerMinute back on the deployment's setting; another tenant is untouched.
      const cleared = await admin.request('PATCH', `/v1/admin/tenants/${mineId}`, { delivery: { rendersPerMinute: null } });
      expect(cleared.body.tenant.delivery.rendersPerMinute).toBeNull();
      expect((await theirs.request('GET', '/v1/tenant')).body.tenant.delivery).toEqual(DEFAULT_DELIVERY_POLICY);
    } finally {
      await second.close();
    }
  });

  it('refuses a policy out of range or with unknown fields with 400 invalid_request, changing nothing', async () => {
    const before = (await row(mineId)).delivery;
    const bad: unknown[] = [
      { widths: [] },
      { widths: [0] },
      { widths: [8193] },
      { widths: Array.from({ length: 65 }, (_, i) => i + 1) },
      { qualities: [101] },
      { aspectRatios: ['16x9'] },
      { aspectRatios: ['0:1'] },
      { avif: 'yes' },
      { quality: 0 },
      { rendersPerMinute: 0 },
      { sizes: [640] },
      'all of them',
    ];
    for (const delivery of bad) {
      const res = await admin.raw('PATCH', `/v1/admin/tenants/${mineId}`, { delivery });
      expect(res.status, JSON.stringify(delivery)).toBe(400);
      expect(res.body.error?.code).toBe('invalid_request');
    }
    expect((await row(mineId)).delivery).toEqual(before);
    // A tenant cannot set its own policy: that is an admin route.
    expect((await mine.request('PATCH', `/v1/admin/tenants/${mineId}`, { delivery: { quality: 90 } })).status).toBe(403);
  });
});

describe('POST /v1/delivery-key', () => {
  it('makes a key shown once and stored sealed; the replaced one verifies for 24 hours, the one before it stops', async () => {
    const started = Date.now();
    const first = await mine.request('POST', '/v1/delivery-key');
    expect(first.status).toBe(200);
    expect(first.body.key).toMatch(/^dsk_[A-Za-z0-9_-]{43}$/);
    const afterFirst = await row(mineId);
    expect(afterFirst.deliveryKeySealed).not.toContain(first.body.key.slice(4));
    expect(harness.api.secretBox.open(afterFirst.deliveryKeySealed!, mineId)).toBe(first.body.key);
    expect([afterFirst.previousDeliveryKeySealed, afterFirst.previousDeliveryKeyExpiresAt]).toEqual([null, null]);

    const second = await mine.request('POST', '/v1/delivery-key');
    expect(second.body.key).not.toBe(first.body.key);
    const afterSecond = await row(mineId);
    expect(harness.api.secretBox.open(afterSecond.deliveryKeySealed!, mineId)).toBe(second.body.key);
    expect(harness.api.secretBox.open(afterSecond.previousDeliveryKeySealed!, mineId)).toBe(first.body.key);
    const expires = afterSecond.previousDeliveryKeyExpiresAt!.getTime();
    expect(expires).toBeGreaterThanOrEqual(started + DELIVERY_KEY_OVERLAP_MS - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + DELIVERY_KEY_OVERLAP_MS + 1000);

    // Within the 24 hours: the second becomes the previous one, the first is gone.
    const third = await mine.request('POST', '/v1/delivery-key');
    const afterThird = await row(mineId);
    expect(harness.api.secretBox.open(afterThird.deliveryKeySealed!, mineId)).toBe(third.body.key);
    expect(harness.api.secretBox.open(afterThird.previousDeliveryKeySealed!, mineId)).toBe(second.body.key);
    expect(JSON.stringify(afterThird)).not.toContain(first.body.key.slice(4));
    // A key signs as the contract says: the whole key string is the HMAC key.
    const signature = signDeliveryPath(third.body.key, 'a/2/w_640');
    expect(verifyDeliverySignature(harness.api.secretBox.open(afterThird.deliveryKeySealed!, mineId), 'a/2/w_640', signature)).toBe(true);
    // Sealed to its tenant: it does not open as another's.
    expect(() => harness.api.secretBox.open(afterThird.deliveryKeySealed!, harness.api.config.storage.bucket)).toThrow();
  });

  it('is for tenant keys only: an upload token gets 403, an admin token 403, no key 401', async () => {
    const token = await mine.withUploadToken();
    const before = (await row(mineId)).deliveryKeySealed;
    const refused = await token.request('POST', '/v1/delivery-key');
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'forbidden']);
    expect((await admin.request('POST', '/v1/delivery-key')).status).toBe(403);
    expect((await new TestApi(harness.baseUrl).request('POST', '/v1/delivery-key')).status).toBe(401);
    expect((await row(mineId)).deliveryKeySealed).toBe(before);
  });

  it('is rate-limited like every tenant route', async () => {
    const { client, tenantId } = await createTestTenant(harness, 'delivery-limited');
    await admin.request('PATCH', `/v1/admin/tenants/${tenantId}`, { rateLimitPerMinute: 2 });
    await awayFromWindowEnd();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.request('POST', '/v1/delivery-key')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
