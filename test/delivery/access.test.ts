import { readFile } from 'node:fs/promises';
import { signDeliveryPath } from '@darkroom/core/delivery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DELIVERY_KEY_OVERLAP_MS,
  getImage,
  imagePath,
  newDeliveryKey,
  setAssetShape,
  setDeliverySettings,
  startDelivery,
  type DeliveryServer,
} from '../support/delivery.js';
import { createTestTenant, failedUpload } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** Who may see what: the policy, signatures, key rotation, revisions, and assets that are not there. */
const harness = setupHarness();
let delivery: DeliveryServer;
const tenant = setupTenant(harness, 'delivery-access');

beforeAll(async () => {
  delivery = await startDelivery(harness);
});
afterAll(() => delivery?.close());

async function photo(): Promise<any> {
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('DSCN0010.jpg'))), {
    filename: 'photo.jpg',
    contentType: 'image/jpeg',
  });
  const done = await tenant.client.waitForAsset(asset.id);
  expect(done.status).toBe('ready');
  return done;
}

const get = (path: string, init: Parameters<typeof getImage>[1] = {}) => getImage(`${delivery.baseUrl}${path}`, init);

function expectRefused(res: Awaited<ReturnType<typeof getImage>>, status: number, code: string, cacheControl: string) {
  expect([res.status, res.body?.error?.code, res.headers.get('cache-control')]).toEqual([status, code, cacheControl]);
  expect(typeof res.body.error?.message).toBe('string');
}

describe('the policy and signed URLs', () => {
  it('serves unsigned what the policy allows and refuses the rest unless signed', async () => {
    const asset = await photo();
    const key = newDeliveryKey();
    await setDeliverySettings(harness, tenant.tenantId, { key });
    expect((await get(imagePath(asset.id, 1, 'w_640,h_480,c_cover'))).status).toBe(200);
    for (const options of ['w_641', 'w_640,q_80', 'w_640,h_500', 'w_320,dpr_2', 'f_webp', 'h_480']) {
      expectRefused(await get(imagePath(asset.id, 1, options)), 403, 'forbidden', 'no-store');
      const signed = await get(imagePath(asset.id, 1, options, key), { accept: 'image/webp' });
      expect(signed.status, options).toBe(200);
    }
    // dpr_2 of w_320 is w_640: the same render as w_640, stored once.
    const folded = await get(imagePath(asset.id, 1, 'w_320,dpr_2', key), { accept: 'image/webp' });
    expect(folded.headers.get('etag')).toBe((await get(imagePath(asset.id, 1, 'w_640'), { accept: 'image/webp' })).headers.get('etag'));
  });

  it('checks options before the policy: out of range is a 400, signed or not', async () => {
    const asset = await photo();
    const key = newDeliveryKey();
    await setDeliverySettings(harness, tenant.tenantId, { key });
    for (const path of [imagePath(asset.id, 1, 'w_9000'), imagePath(asset.id, 1, 'w_9000', key), imagePath(asset.id, 1, 'w_640,w_640')]) {
      const res = await get(path);
      expectRefused(res, 400, 'invalid_request', 'public, max-age=60');
    }
    expect((await get(imagePath(asset.id, 1, 'w_9000'))).body.error?.message).toContain('"w_9000"');
  });

  it('refuses a signature that does not verify, whatever its length or alphabet', async () => {
    const asset = await photo();
    const key = newDeliveryKey();
    await setDeliverySettings(harness, tenant.tenantId, { key });
    const path = `${asset.id}/1/w_641`;
    const good = signDeliveryPath(key, path);
    const other = signDeliveryPath(newDeliveryKey(), path);
    for (const signature of [
      other,
      good.slice(1),
      `${good}A`,
      good.toUpperCase(),
      'x',
      '%20',
      '!'.repeat(22),
      'é'.repeat(11),
      good.replace(/./, '-'),
    ]) {
      if (signature === good) continue;
      expectRefused(await get(`/img/${path}/${encodeURIComponent(signature)}`), 403, 'forbidden', 'no-store');
    }
    expect((await get(`/img/${path}/${good}`)).status).toBe(200);
    // A signature covers the options exactly as sent.
    expectRefused(await get(`/img/${asset.id}/1/w_641,q_75/${good}`), 403, 'forbidden', 'no-store');
  });

  it('keeps the previous key verifying until it expires, then refuses it', async () => {
    const asset = await photo();
    const [old, current] = [newDeliveryKey(), newDeliveryKey()];
    await setDeliverySettings(harness, tenant.tenantId, {
      key: current,
      previousKey: old,
      previousExpiresAt: new Date(Date.now() + DELIVERY_KEY_OVERLAP_MS),
    });
    expect((await get(imagePath(asset.id, 1, 'w_641', old))).status).toBe(200);
    expect((await get(imagePath(asset.id, 1, 'w_641', current))).status).toBe(200);

    const soon = await photo();
    await setDeliverySettings(harness, tenant.tenantId, { previousExpiresAt: new Date(Date.now() + 1500) });
    expect((await get(imagePath(soon.id, 1, 'w_642', old))).status).toBe(200);
    // Expired while the asset's lookup is still cached: refused all the same.
    await waitFor('the previous key to expire', async () => (await get(imagePath(soon.id, 1, 'w_642', old))).status === 403, 10_000, 200);
    expect((await get(imagePath(soon.id, 1, 'w_642', current))).status).toBe(200);

    const expired = await photo();
    await setDeliverySettings(harness, tenant.tenantId, { previousExpiresAt: new Date(Date.now() - 1000) });
    expectRefused(await get(imagePath(expired.id, 1, 'w_641', old)), 403, 'forbidden', 'no-store');
  });

  it('applies a policy change within 5 seconds', async () => {
    const asset = await photo();
    await setDeliverySettings(harness, tenant.tenantId, { policy: {} });
    expect((await get(imagePath(asset.id, 1, 'w_300'))).status).toBe(403);
    await setDeliverySettings(harness, tenant.tenantId, { policy: { widths: [300] } });
    await waitFor('the new policy', async () => (await get(imagePath(asset.id, 1, 'w_300'))).status === 200, 7000, 250);
    expect((await get(imagePath(asset.id, 1, 'w_640'))).status).toBe(403);
    await setDeliverySettings(harness, tenant.tenantId, { policy: {} });
  });
});

describe('revisions', () => {
  it('redirects an older revision to the current one (signed again with the current key); a newer one is 404', async () => {
    const asset = await photo();
    const [old, current] = [newDeliveryKey(), newDeliveryKey()];
    await setDeliverySettings(harness, tenant.tenantId, {
      key: current,
      previousKey: old,
      previousExpiresAt: new Date(Date.now() + DELIVERY_KEY_OVERLAP_MS),
    });
    expect((await get(imagePath(asset.id, 1, 'w_640'))).status).toBe(200);
    const revision = await setAssetShape(harness, asset.id, { crop: { x: 0, y: 0, width: 320, height: 240 } });
    expectRefused(await get(imagePath(asset.id, revision + 1, 'w_640')), 404, 'not_found', 'public, max-age=60');

    const unsigned = await get(imagePath(asset.id, 1, 'w_640'));
    expect([unsigned.status, unsigned.headers.get('location'), unsigned.headers.get('cache-control')]).toEqual([
      301,
      imagePath(asset.id, revision, 'w_640'),
      'public, max-age=60',
    ]);
    const signed = await get(imagePath(asset.id, 1, 'w_700', old));
    expect([signed.status, signed.headers.get('location')]).toEqual([301, imagePath(asset.id, revision, 'w_700', current)]);
    const followed = await get(signed.headers.get('location')!);
    expect([followed.status, followed.meta?.width]).toEqual([200, 320]); // the crop, never upscaled
    // No redirect (and no fresh signature) for a URL that would not have been served.
    expectRefused(await get(imagePath(asset.id, 1, 'w_700', newDeliveryKey())), 403, 'forbidden', 'no-store');
    expectRefused(await get(imagePath(asset.id, 1, 'w_700')), 403, 'forbidden', 'no-store');
  });
});

describe('assets that are not there', () => {
  it('answers the same 404 for an unknown, malformed, deleted or failed asset', async () => {
    const deleted = await photo();
    expect((await tenant.client.request('DELETE', `/v1/assets/${deleted.id}`)).status).toBe(204);
    const { asset: failed } = await failedUpload(tenant.client);
    const ids = [deleted.id, failed.id, '01920000-0000-7000-8000-000000000000', 'not-a-uuid', deleted.id.toUpperCase()];
    const bodies = new Set<string>();
    for (const id of ids) {
      const res = await get(imagePath(id, 1, 'w_640'));
      expectRefused(res, 404, 'not_found', 'public, max-age=60');
      bodies.add(JSON.stringify(res.body));
    }
    expect(bodies.size).toBe(1);
  });

  it('answers a URL the router refuses (an over-long segment, one segment too many) as any other 404, CORS included', async () => {
    const asset = await photo();
    const unknown = await get(imagePath('01920000-0000-7000-8000-000000000000', 1, 'w_640'));
    const answered = (res: Awaited<ReturnType<typeof getImage>>) => [
      res.status,
      res.body,
      res.headers.get('cache-control'),
      res.headers.get('access-control-allow-origin'),
    ];
    expect(answered(unknown)).toEqual([404, { error: { code: 'not_found', message: expect.any(String) } }, 'public, max-age=60', '*']);
    for (const path of [`/img/${asset.id}/1/w_640,${'x'.repeat(600)}`, `/img/${asset.id}/1/w_640/a/b`, `/img/${asset.id}/1`]) {
      expect(answered(await get(path)), path).toEqual(answered(unknown));
    }
  });

  it("answers the owner's policy for another tenant's asset, and refuses a signature of another tenant's key", async () => {
    const asset = await photo();
    const other = await createTestTenant(harness, 'delivery-access-other');
    const otherKey = newDeliveryKey();
    await setDeliverySettings(harness, other.tenantId, { key: otherKey });
    expectRefused(await get(imagePath(asset.id, 1, 'w_641', otherKey)), 403, 'forbidden', 'no-store');
  });
});
