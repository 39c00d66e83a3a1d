import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { PRIVATE_EXPIRY_STEP_SECONDS, privateExpiry } from '@darkroom/core/private-links';
import { assets, tenants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { startSecondApi } from '../support/harness.js';
import { fixture } from '../support/images.js';
import { currentDeliveryKey, expectPrivateUrls as expectPrivate, urlsOf } from '../support/private-urls.js';
import { waitFor } from '../support/services.js';
import { slowVideo, uploadVideo } from '../support/video.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Private media, the API's side (docs/api.md#visibility): where an upload's visibility comes from,
 * who may change it, and the private URLs every Asset of a private asset carries, through the real
 * API, worker, Postgres and S3.
 */
const harness = setupHarness();
let jpeg: Uint8Array;

beforeAll(async () => {
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

const photo = { filename: 'p.jpg', contentType: 'image/jpeg' };
const tenantRow = async (id: string) => (await harness.api.db.select().from(tenants).where(eq(tenants.id, id)))[0]!;
const assetRow = async (id: string) => (await harness.api.db.select().from(assets).where(eq(assets.id, id)))[0]!;

const currentKey = (tenantId: string) => currentDeliveryKey(harness, tenantId);
const expectPrivateUrls = (asset: Asset, key: string) => expectPrivate(asset, key, harness.api.config.deliveryBaseUrl);

/** Starts an upload; returns its visibility, or the refusal's status and code. */
async function startedVisibility(client: TestApi, body: { visibility?: 'public' | 'private' } = {}) {
  const res = await client.raw('POST', '/v1/uploads', { ...photo, size: jpeg.byteLength, ...body });
  return res.status === 201 ? res.body.asset.visibility : `${res.status} ${res.body.error?.code}`;
}

async function readyAsset(t: TestTenant, visibility?: 'public' | 'private'): Promise<Asset> {
  const { asset } = await t.client.uploadAndComplete(jpeg, { ...photo, ...(visibility ? { visibility } : {}) });
  const ready = await t.client.waitForAsset(asset.id);
  expect(ready.status).toBe('ready');
  return ready;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('an upload’s visibility', () => {
  it('is the body’s, else the upload token’s, else the tenant’s default, else DEFAULT_VISIBILITY', async () => {
    const t = await createTestTenant(harness, 'visibility-order');
    expect(await startedVisibility(t.client)).toBe('public');
    expect(await startedVisibility(t.client, { visibility: 'private' })).toBe('private');
    const byToken = await t.client.withUploadToken({ visibility: 'private' });
    expect(await startedVisibility(byToken)).toBe('private');

    const patched = await t.admin.request('PATCH', `/v1/admin/tenants/${t.tenantId}`, { defaultVisibility: 'private' });
    expect(patched.body.tenant.defaultVisibility).toBe('private');
    expect(await startedVisibility(t.client)).toBe('private');
    expect(await startedVisibility(t.client, { visibility: 'public' })).toBe('public');
    expect(await startedVisibility(await t.client.withUploadToken())).toBe('private');
    expect(await startedVisibility(await t.client.withUploadToken({ visibility: 'public' }))).toBe('public');

    // The deployment's default, on an API process that has DEFAULT_VISIBILITY=private, for a tenant with none.
    const other = await createTestTenant(harness, 'visibility-deployment');
    const second = await startSecondApi(harness, { DEFAULT_VISIBILITY: 'private' });
    try {
      expect(await startedVisibility(other.client)).toBe('public');
      const there = new TestApi(second.baseUrl, other.client.token);
      expect(await startedVisibility(there)).toBe('private');
      await other.admin.request('PATCH', `/v1/admin/tenants/${other.tenantId}`, { defaultVisibility: 'public' });
      expect(await startedVisibility(there)).toBe('public');
    } finally {
      await second.close();
    }
  });

  it('through an upload token is the token’s or the tenant’s default: asking for another is 403 forbidden', async () => {
    const t = await createTestTenant(harness, 'visibility-token');
    const minted = await t.client.request('POST', '/v1/upload-tokens', { visibility: 'private' });
    expect(minted.body.visibility).toBe('private');
    expect((await t.client.request('POST', '/v1/upload-tokens')).body.visibility).toBeNull();
    const privateToken = t.client.withToken(minted.body.token);
    expect(await startedVisibility(privateToken, { visibility: 'public' })).toBe('403 forbidden');
    expect(await startedVisibility(privateToken, { visibility: 'private' })).toBe('private');
    const plainToken = await t.client.withUploadToken();
    expect(await startedVisibility(plainToken, { visibility: 'private' })).toBe('403 forbidden');
    expect(await startedVisibility(plainToken, { visibility: 'public' })).toBe('public');
    expect((await t.admin.raw('PATCH', `/v1/admin/tenants/${t.tenantId}`, { defaultVisibility: 'secret' })).status).toBe(400);
  });
});

describe('a private asset’s URLs', () => {
  let t: TestTenant;
  let asset: Asset;

  beforeAll(async () => {
    t = await createTestTenant(harness, 'visibility-urls');
    asset = await readyAsset(t, 'private');
  });

  it('are all private URLs under one exp, signed with the tenant’s current key, in every answer', async () => {
    const key = await currentKey(t.tenantId);
    const before = nowSeconds();
    const got = await t.client.request('GET', `/v1/assets/${asset.id}`);
    const exp = expectPrivateUrls(got.body, key);
    expect(exp).toBeGreaterThanOrEqual(privateExpiry(before, 3600));
    expect(exp).toBeLessThanOrEqual(privateExpiry(nowSeconds(), 3600));
    expect(got.body.variants.map((v) => v.url.split(`/${asset.id}/`)[1])).toEqual(got.body.variants.map(() => expect.stringMatching(/^r1\//)));
    const listed = (await t.client.request('GET', '/v1/assets')).body.items.find((a) => a.id === asset.id)!;
    expectPrivateUrls(listed, key);
    const events = await t.client.feed({ assetId: asset.id });
    const ready = events.find((e) => e.type === 'asset.ready')!;
    expect(ready.data.asset.visibility).toBe('private');
    expectPrivateUrls(ready.data.asset, key);
  });

  it('are the same URLs for two reads in the same five minutes', async () => {
    // Away from a step's edge, so the two reads fall in one step.
    while ((nowSeconds() + 3600) % PRIVATE_EXPIRY_STEP_SECONDS > PRIVATE_EXPIRY_STEP_SECONDS - 5) await new Promise((r) => setTimeout(r, 500));
    const first = (await t.client.request('GET', `/v1/assets/${asset.id}`)).body;
    const second = (await t.client.request('GET', `/v1/assets/${asset.id}`)).body;
    expect(urlsOf(second)).toEqual(urlsOf(first));
  });

  it('live urlTtl seconds (60..604800), rounded up to 5 minutes; outside that, 400 invalid_request', async () => {
    const key = await currentKey(t.tenantId);
    for (const ttl of [60, 604_800]) {
      const before = nowSeconds();
      const one = await t.client.raw('GET', `/v1/assets/${asset.id}?urlTtl=${ttl}`);
      expect(one.status).toBe(200);
      const exp = expectPrivateUrls(one.body, key);
      expect(exp).toBeGreaterThanOrEqual(privateExpiry(before, ttl));
      expect(exp).toBeLessThanOrEqual(privateExpiry(nowSeconds(), ttl));
      const list = await t.client.raw('GET', `/v1/assets?urlTtl=${ttl}`);
      expect(
        expectPrivateUrls(
          list.body.items.find((a: Asset) => a.id === asset.id),
          key,
        ),
      ).toBeGreaterThanOrEqual(exp);
    }
    for (const bad of ['59', '604801', '1.5', 'soon']) {
      for (const path of [`/v1/assets/${asset.id}?urlTtl=${bad}`, `/v1/assets?urlTtl=${bad}`]) {
        const res = await t.client.raw('GET', path);
        expect([res.status, res.body.error?.code], path).toEqual([400, 'invalid_request']);
      }
    }
  });

  it('follow a rotation of the delivery key at once', async () => {
    const rotated = await t.client.request('POST', '/v1/delivery-key');
    expect(rotated.status).toBe(200);
    expectPrivateUrls((await t.client.request('GET', `/v1/assets/${asset.id}`)).body, rotated.body.key);
  });
});

describe('a tenant’s delivery key at its first private asset', () => {
  it('is made when an upload starts private, and the answer is signed with it', async () => {
    const t = await createTestTenant(harness, 'visibility-first-key');
    expect((await tenantRow(t.tenantId)).deliveryKeySealed).toBeNull();
    const res = await t.client.request('POST', '/v1/uploads', { ...photo, size: jpeg.byteLength, visibility: 'private' });
    expect(res.status).toBe(201);
    const key = await currentKey(t.tenantId);
    expect(res.body.asset.urlsExpireAt).not.toBeNull();
    // Not ready: no variants nor markup yet, but its expiry is that of a token signed with the new key.
    expect(res.body.asset.visibility).toBe('private');
    // A second private upload keeps the key.
    await t.client.request('POST', '/v1/uploads', { ...photo, size: jpeg.byteLength, visibility: 'private' });
    expect(await currentKey(t.tenantId)).toBe(key);
  });

  it('is made when an asset is PATCHed private, and the answer is signed with it', async () => {
    const t = await createTestTenant(harness, 'visibility-first-key-patch');
    const asset = await readyAsset(t);
    expect((await tenantRow(t.tenantId)).deliveryKeySealed).toBeNull();
    const res = await t.client.request('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectPrivateUrls(res.body, await currentKey(t.tenantId));
  });
});

describe('PATCH /v1/assets/:id { visibility }', () => {
  let t: TestTenant;
  let asset: Asset;

  beforeAll(async () => {
    t = await createTestTenant(harness, 'visibility-patch');
    await t.client.request('POST', '/v1/delivery-key');
    asset = await readyAsset(t);
  });

  it('turns a public asset private: the answer has private URLs, the objects’ move is left owed to the worker', async () => {
    expect(asset.visibility).toBe('public');
    expect(asset.urlsExpireAt).toBeNull();
    expect(urlsOf(asset).some((url) => url.includes('/p/'))).toBe(false);
    const res = await t.client.request('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' });
    expect(res.status).toBe(200);
    expect(res.body.visibility).toBe('private');
    expectPrivateUrls(res.body, await currentKey(t.tenantId));
    expectPrivateUrls((await t.client.request('GET', `/v1/assets/${asset.id}`)).body, await currentKey(t.tenantId));
    const row = await assetRow(asset.id);
    expect([row.visibility, row.objectsVisibility]).toEqual(['private', 'public']);

    // The same visibility again changes nothing.
    const again = await t.client.request('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' });
    expect(again.status).toBe(200);
    expect((await assetRow(asset.id)).updatedAt).toEqual(row.updatedAt);

    // And back before the worker moved anything: public URLs at once, and a move owed that gathers
    // whatever the first one may have taken to the private place.
    const back = await t.client.request('PATCH', `/v1/assets/${asset.id}`, { visibility: 'public' });
    expect([back.body.visibility, back.body.urlsExpireAt]).toEqual(['public', null]);
    expect(urlsOf(back.body).some((url) => url.includes('/p/'))).toBe(false);
    const after = await assetRow(asset.id);
    expect([after.visibility, after.objectsVisibility]).toEqual(['public', 'private']);
  });

  it('is for a tenant key: an upload token gets 403 forbidden, even on an asset it started', async () => {
    const token = await t.client.withUploadToken();
    const { asset: started } = await token.uploadAndComplete(jpeg, photo);
    await t.client.waitForAsset(started.id);
    const res = await token.request('PATCH', `/v1/assets/${started.id}`, { visibility: 'private' });
    expect([res.status, res.body.error?.code]).toEqual([403, 'forbidden']);
    expect((await assetRow(started.id)).visibility).toBe('public');
  });

  it('refuses an asset that is not ready with 409 invalid_state, another tenant’s with 404, and a change of framing beside it with 400', async () => {
    const waiting = await t.client.request('POST', '/v1/uploads', { ...photo, size: jpeg.byteLength });
    const res = await t.client.request('PATCH', `/v1/assets/${waiting.body.asset.id}`, { visibility: 'private' });
    expect([res.status, res.body.error?.code]).toEqual([409, 'invalid_state']);
    expect((await assetRow(waiting.body.asset.id)).visibility).toBe('public');

    const other = await createTestTenant(harness, 'visibility-patch-other');
    const foreign = await other.client.request('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private' });
    expect([foreign.status, foreign.body.error?.code]).toEqual([404, 'not_found']);

    const both = await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'private', focus: { x: 0.5, y: 0.5 } });
    expect([both.status, both.body.error?.code]).toEqual([400, 'invalid_request']);
    expect(await assetRow(asset.id)).toMatchObject({ visibility: 'public', focus: null });
    const bad = await t.client.raw('PATCH', `/v1/assets/${asset.id}`, { visibility: 'hidden' });
    expect(bad.status).toBe(400);
  });

  it('refuses a video still rendering with 409 invalid_state', async () => {
    const { asset: video, job } = await uploadVideo(t.client, await slowVideo());
    await waitFor(
      'the video to be rendering',
      async () => {
        const now = (await t.client.request('GET', `/v1/jobs/${job.id}`)).body;
        return now.state === 'active' && (now.progress ?? 0) > 0;
      },
      120_000,
      200,
    );
    const res = await t.client.request('PATCH', `/v1/assets/${video.id}`, { visibility: 'private' });
    expect([res.status, res.body.error?.code]).toEqual([409, 'invalid_state']);
    const row = await assetRow(video.id);
    expect([row.status, row.visibility]).toEqual(['processing', 'public']);
    // Its transcode is stopped, not left to run on for nothing.
    expect((await t.client.request('DELETE', `/v1/assets/${video.id}`)).status).toBe(204);
  }, 180_000);
});
