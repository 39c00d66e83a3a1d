import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliveryAssetPrefix, VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import type { FaceBox } from '@darkroom/core/contract/asset';
import { faceCropRegion } from '@darkroom/media';
import { createWorkerQueues } from '@darkroom/queue';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImage, imagePath, newDeliveryKey, setAssetShape, setDeliverySettings, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { covered, detail, type Pixels } from '../support/face-detail.js';
import { type FacePhoto, facePhoto } from '../support/face-photos.js';
import { meanAbsoluteDifference } from '../support/images.js';
import { facesSearched } from '../support/faces-on.js';
import { keysIn } from '../support/private-objects.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { runFacesBackfill } from '../../apps/worker/src/faces/backfill-run.js';

/**
 * Faces in delivery (docs/delivery.md#faces), against the real services: an asset whose faces are
 * set in Postgres, cropped to by `g_face`, covered by a signed `e_pixelate-faces` (unsigned only
 * where the policy's `unsignedEffects` allows), and covered on every render once the tenant's
 * policy enforces redaction.
 */
const harness = setupHarness({ env: facesSearched });
let delivery: DeliveryServer;
const tenant = setupTenant(harness, 'delivery-faces');
let photo: FacePhoto;

beforeAll(async () => {
  delivery = await startDelivery(harness);
  photo = await facePhoto('group-cafe');
});
afterAll(() => delivery?.close());

/** A ready asset of the photo with its hand-marked faces set, at the revision that set them. */
async function withFaces(): Promise<{ id: string; revision: number }> {
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(photo.path)), {
    filename: 'cafe.jpg',
    contentType: 'image/jpeg',
  });
  const done = await tenant.client.waitForAsset(asset.id);
  expect(done.status).toBe('ready');
  const faces = photo.faces.map((f) => ({ ...f, score: 1 }));
  return { id: asset.id, revision: await setAssetShape(harness, asset.id, { faces }) };
}

const get = (path: string) => getImage(`${delivery.baseUrl}${path}`, { accept: 'image/png' });

async function pixels(body: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Detail left in every face's covered area of a whole-image render, as a share of the unredacted one's. */
function detailLeft(plain: Pixels, redacted: Pixels, faces: readonly Omit<FaceBox, 'score'>[] = photo.faces): number[] {
  return faces.map((face) => detail(redacted, covered(face, plain)).mean / detail(plain, covered(face, plain)).mean);
}

/** The keys of the asset's stored renders once `count` of them have landed (a render is stored after it is answered). */
async function storedRenders(assetId: string, count: number): Promise<string[]> {
  for (let waited = 0; ; waited += 100) {
    const keys = await keysIn(harness, 'public', deliveryAssetPrefix(tenant.tenantId, assetId));
    if (keys.length >= count || waited > 10_000) return keys;
    await sleep(100);
  }
}

async function setPolicy(policy: Parameters<typeof setDeliverySettings>[2]['policy']): Promise<void> {
  await setDeliverySettings(harness, tenant.tenantId, { policy });
  delivery.deps.catalog.forget({ tenant: tenant.tenantId });
}

describe('faces in delivery', () => {
  it('crops to the largest face for g_face, unsigned, as @darkroom/media plans it', async () => {
    const asset = await withFaces();
    const res = await get(imagePath(asset.id, asset.revision, 'w_256,h_256,c_cover,g_face,f_png'));
    expect(res.status).toBe(200);
    const displayed = { width: photo.width, height: photo.height };
    const crop = { left: 0, top: 0, ...displayed };
    const faces = photo.faces.map((f) => ({ ...f, score: 1 }));
    const region = faceCropRegion({ displayed, crop, output: { width: 256, height: 256 }, faces, which: 'face', zoom: 1 });
    if (!region) throw new Error('no face crop');
    const expected = await sharp(photo.path).extract(region).resize(256, 256, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const centre = await get(imagePath(asset.id, asset.revision, 'w_256,h_256,c_cover,g_center,f_png'));
    const got = (await pixels(res.data)).data;
    expect(meanAbsoluteDifference(got, expected)).toBeLessThan(6);
    expect(meanAbsoluteDifference((await pixels(centre.data)).data, expected)).toBeGreaterThan(20);
  });

  it('pixelates the faces when signed; unsigned only where unsignedEffects allows', async () => {
    const asset = await withFaces();
    const key = newDeliveryKey();
    await setDeliverySettings(harness, tenant.tenantId, { key });
    await setPolicy({});
    const options = 'w_640,e_pixelate-faces,f_png';
    const unsigned = await get(imagePath(asset.id, asset.revision, options));
    expect([unsigned.status, unsigned.body?.error?.code]).toEqual([403, 'forbidden']);
    const signed = await get(imagePath(asset.id, asset.revision, options, key));
    expect(signed.status).toBe(200);
    const plain = await pixels((await get(imagePath(asset.id, asset.revision, 'w_640,f_png'))).data);
    for (const left of detailLeft(plain, await pixels(signed.data))) expect(left).toBeLessThan(0.7);

    await setPolicy({ unsignedEffects: true });
    const allowed = await get(imagePath(asset.id, asset.revision, options));
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('etag')).toBe(signed.headers.get('etag'));
    await setPolicy({});
  });

  it("covers the faces on every render once the tenant's policy enforces it", async () => {
    const asset = await withFaces();
    await setPolicy({});
    const path = imagePath(asset.id, asset.revision, 'w_640,f_png');
    const before = await get(path);
    expect(before.status).toBe(200);
    await setPolicy({ enforceFaceRedaction: 'blur' });
    const after = await get(path);
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    for (const left of detailLeft(await pixels(before.data), await pixels(after.data))) expect(left).toBeLessThan(0.4);
    await setPolicy({});
  });

  it('keeps a render made before the faces were known apart and briefly, until the faces backfill finds them', async () => {
    const { id } = await withFaces();
    // As an older release left it: its faces never searched.
    const revision = await setAssetShape(harness, id, { faces: null });
    await setPolicy({ enforceFaceRedaction: 'blur' });
    const path = imagePath(id, revision, 'w_640,f_png');
    const early = await get(path);
    expect(early.status).toBe(200);
    expect(early.headers.get('cache-control')).toBe('public, max-age=60');
    const [unknown] = await storedRenders(id, 1);
    expect(unknown).toContain(`/r${revision}/faces-unknown/`);

    const { config } = harness.workerDeps;
    const queues = createWorkerQueues({ redis: config.redis, prefix: config.queuePrefix, chunkTenantParts: config.video.chunkTenantParts });
    try {
      const options = { tenantId: tenant.tenantId, window: 1, pollMs: 50, dryRun: false };
      expect(await runFacesBackfill(harness.workerDeps, queues.assets, options)).toEqual({ matched: 1, queued: 1 });
    } finally {
      await queues.close();
    }
    const found = (await tenant.client.request('GET', `/v1/assets/${id}`)).body as { faces: FaceBox[]; revision: number };
    expect([found.faces.length, found.revision]).toEqual([photo.faces.length, revision]);
    expect(await storedRenders(id, 0)).toEqual([]);

    delivery.deps.catalog.forget({ asset: id });
    const late = await get(path);
    expect(late.status).toBe(200);
    expect(late.headers.get('cache-control')).toBe(VARIANT_CACHE_CONTROL);
    for (const left of detailLeft(await pixels(early.data), await pixels(late.data), found.faces)) expect(left).toBeLessThan(0.4);
    await setPolicy({});
  });
});
