import { mkdtemp, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Asset } from '@darkroom/client';
import { jobs } from '@darkroom/db/schema';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { setDeliverySettings } from '../support/delivery.js';
import { covered, detail, type PixelEdges, type Pixels } from '../support/face-detail.js';
import { facePhoto, type FacePhoto } from '../support/face-photos.js';
import { fetchVariant } from '../support/images.js';
import { facesSearched } from '../support/faces-on.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';
import { ffmpeg } from '../support/video.js';

/**
 * A tenant policy's `enforceFaceRedaction` in the worker's eager variants (docs/delivery.md#faces),
 * against the real services: one photo uploaded by a tenant that enforces blurring and by one that
 * does not; the faces found at ingest are covered in the first's variants (found before they were
 * encoded), and the rest of each variant is the second's picture; a video's posters likewise.
 */
const harness = setupHarness({ env: facesSearched });
const plain = setupTenant(harness, 'redaction-plain');
const enforced = setupTenant(harness, 'redaction-enforced');
let photo: FacePhoto;

beforeAll(async () => {
  photo = await facePhoto('group-cafe');
  await setDeliverySettings(harness, enforced.tenantId, { policy: { enforceFaceRedaction: 'blur' } });
});

async function readyAsset(tenant: typeof plain, path = photo.path, contentType = 'image/jpeg'): Promise<Asset> {
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(path)), {
    filename: basename(path),
    contentType,
  });
  const done = await tenant.client.waitForAsset(asset.id, 120_000);
  expect(done.status).toBe('ready');
  return done;
}

async function variantPixels(asset: Asset, name: string): Promise<{ url: string; pixels: Pixels }> {
  const variant = asset.variants.find((v) => v.name === name);
  if (!variant?.url) throw new Error(`no ${name} variant`);
  const fetched = await fetchVariant(variant.url);
  expect(fetched.status).toBe(200);
  const { data, info } = await sharp(fetched.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { url: variant.url, pixels: { data, width: info.width, height: info.height } };
}

const widen = (e: PixelEdges, by: number): PixelEdges => ({ left: e.left - by, top: e.top - by, right: e.right + by, bottom: e.bottom + by });

/** Mean absolute difference of two renders outside every face's area (widened by a WebP block, whose encode the cover changes). */
function differenceOutside(a: Pixels, b: Pixels, areas: PixelEdges[]): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (areas.some((e) => x >= e.left && x < e.right && y >= e.top && y < e.bottom)) continue;
      const at = (y * a.width + x) * 3;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[at + c]! - b.data[at + c]!);
      n += 3;
    }
  }
  return sum / Math.max(1, n);
}

function differenceWithin(a: Pixels, b: Pixels, e: PixelEdges): number {
  let sum = 0;
  let n = 0;
  for (let y = e.top; y < e.bottom; y++) {
    for (let x = e.left; x < e.right; x++) {
      const at = (y * a.width + x) * 3;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[at + c]! - b.data[at + c]!);
      n += 3;
    }
  }
  return sum / Math.max(1, n);
}

describe('eager variants under enforceFaceRedaction', () => {
  it('cover the faces found at ingest, and only them, under URLs of their own', async () => {
    const [open, redacted] = await Promise.all([readyAsset(plain), readyAsset(enforced)]);
    // The same photo, searched alike: the faces the redacted variants cover are these.
    expect(redacted.faces?.length).toBeGreaterThan(0);
    expect(redacted.faces).toEqual(open.faces);
    const faces = redacted.faces ?? [];

    // `small` is the whole photo at 640 px wide: each face's area is its box there.
    const before = await variantPixels(open, 'small');
    const after = await variantPixels(redacted, 'small');
    expect(after.url).not.toBe(before.url);
    const areas = faces.map((face) => covered(face, before.pixels));
    for (const area of areas) {
      expect(detail(after.pixels, area).mean / detail(before.pixels, area).mean).toBeLessThan(0.5);
    }
    // Outside them, the same picture: WebP's encode moves a few levels over the whole image, a face's cover far more.
    const outside = differenceOutside(
      before.pixels,
      after.pixels,
      areas.map((a) => widen(a, 16)),
    );
    expect(outside).toBeLessThan(3);
    for (const area of areas) expect(differenceWithin(before.pixels, after.pixels, area)).toBeGreaterThan(4 * outside);

    // Every other image variant is redacted too (the `thumb` is a square cover: its bytes differ, as its URL).
    for (const name of ['thumb', 'medium', 'large']) {
      const [o, r] = await Promise.all([variantPixels(open, name), variantPixels(redacted, name)]);
      expect(r.url).not.toBe(o.url);
      expect(r.pixels.data.equals(o.pixels.data)).toBe(false);
    }
  });

  it("cover the faces of a video's poster frame in its poster variants", async () => {
    // A second of the same photo as a video: its poster frame is the photo, faces and all.
    const video = join(await mkdtemp(join(tmpdir(), 'darkroom-face-poster-')), 'cafe.mp4');
    await ffmpeg([
      '-loop',
      '1',
      '-i',
      photo.path,
      '-t',
      '1',
      '-r',
      '5',
      '-vf',
      'scale=640:-2',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
    const [open, redacted] = await Promise.all([readyAsset(plain, video, 'video/mp4'), readyAsset(enforced, video, 'video/mp4')]);
    expect(redacted.kind).toBe('video');
    expect(redacted.faces?.length).toBeGreaterThan(0);
    expect(redacted.faces).toEqual(open.faces);
    const before = await variantPixels(open, 'small');
    const after = await variantPixels(redacted, 'small');
    expect(after.url).not.toBe(before.url);
    for (const face of redacted.faces ?? []) {
      const area = covered(face, before.pixels);
      expect(detail(after.pixels, area).mean / detail(before.pixels, area).mean).toBeLessThan(0.5);
    }
  });

  it('cover faces marked by hand: a PATCH of the faces renders the variants again', async () => {
    const found = await readyAsset(enforced);
    const before = await variantPixels(found, 'small');
    // A box where no face was found (the photo's top left corner), beside those that were.
    const marked = { x: 0, y: 0, width: 0.2, height: 0.2, score: 1 };
    const patched = await enforced.client.request('PATCH', `/v1/assets/${found.id}`, { faces: [...(found.faces ?? []), marked] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const reprocess = async () =>
      (
        await harness.api.db
          .select()
          .from(jobs)
          .where(and(eq(jobs.assetId, found.id), eq(jobs.kind, 'reprocess')))
      ).map((j) => j.state);
    for (let waited = 0; (await reprocess()).join() !== 'completed' && waited < 45_000; waited += 250) await sleep(250);
    expect(await reprocess()).toEqual(['completed']);
    const after = await variantPixels((await enforced.client.request('GET', `/v1/assets/${found.id}`)).body as Asset, 'small');
    expect(after.url).not.toBe(before.url);
    const area = covered(marked, before.pixels);
    expect(detail(after.pixels, area).mean / detail(before.pixels, area).mean).toBeLessThan(0.5);
  });
});
