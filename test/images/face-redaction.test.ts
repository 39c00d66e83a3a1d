import { readFile } from 'node:fs/promises';
import type { DeliveryFaceEffect } from '@darkroom/core/delivery-grammar';
import { type DeliveryRender, renderOnRequest } from '@darkroom/media';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { covered, detail, type Pixels } from '../support/face-detail.js';
import { type FacePhoto, facePhotos } from '../support/face-photos.js';

/**
 * `e_blur-faces` and `e_pixelate-faces` on the labelled photos (issue 61): every hand-marked box,
 * with its padding, is covered. Inside each, the mean difference between neighbouring pixels (what
 * makes eyes and mouths) must fall well below the unredacted render's (pixelation keeps the jumps
 * between its blocks, so less far); pixelation must also leave most neighbours equal (blocks of one
 * colour).
 */
const options = { maxInputPixels: 100_000_000, timeoutSeconds: 30, video: { maxDurationSeconds: 900, maxPixels: 8_847_360 } };
/** Detail left inside a covered box, at most, as a share of the unredacted render's (an uncovered box keeps about all of it). */
const DETAIL_LEFT_AT_MOST = { 'blur-faces': 0.4, 'pixelate-faces': 0.7 } as const;
/** Neighbouring pixels inside a pixelated box that are equal, at least. */
const EQUAL_NEIGHBOURS_AT_LEAST = 0.6;

async function render(photo: FacePhoto, effect: DeliveryFaceEffect | null, over: Partial<DeliveryRender> = {}): Promise<Pixels> {
  const faces = photo.faces.map((f) => ({ ...f, score: 1 }));
  const base: DeliveryRender = {
    width: 640,
    height: 0,
    fit: 'inside',
    gravity: 'center',
    quality: 100,
    format: 'png',
    crop: null,
    focus: null,
    faces,
    zoom: 1,
    effect,
  };
  const scale = 640 / photo.width;
  const out = await renderOnRequest(await readFile(photo.path), 'image', { ...base, height: Math.round(photo.height * scale), ...over }, options);
  const { data, info } = await sharp(out.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

let photos: FacePhoto[];
beforeAll(async () => {
  photos = (await facePhotos()).filter((photo) => photo.faces.length > 0);
});

describe('face effects on the labelled photos', () => {
  for (const name of ['blur-faces', 'pixelate-faces'] as const) {
    it(`e_${name} covers every box with its padding`, async () => {
      let boxes = 0;
      for (const photo of photos) {
        const [plain, redacted] = await Promise.all([render(photo, null), render(photo, { name, strength: 1 })]);
        for (const face of photo.faces) {
          const box = covered(face, plain);
          if (box.right - box.left < 3 || box.bottom - box.top < 3) continue;
          const before = detail(plain, box);
          const after = detail(redacted, box);
          if (before.mean < 1) continue; // a flat box has no detail to take away
          boxes++;
          expect(after.mean / before.mean, `${photo.name} ${JSON.stringify(face)}`).toBeLessThanOrEqual(DETAIL_LEFT_AT_MOST[name]);
          if (name === 'pixelate-faces') expect(after.equalShare, photo.name).toBeGreaterThanOrEqual(EQUAL_NEIGHBOURS_AT_LEAST);
        }
      }
      expect(boxes).toBeGreaterThanOrEqual(50);
    }, 120_000);
  }

  it('covers the faces of a g_auto crop, where libvips chooses the region', async () => {
    const photo = photos.find((p) => p.faces.length === 1 && p.faces[0] && p.faces[0].width > 0.2);
    const face = photo?.faces[0];
    if (!photo || !face) throw new Error('no single large face among the labelled photos');
    const side = 300;
    const crop = { fit: 'cover' as const, gravity: 'auto' as const, width: side, height: side };
    const [plain, redacted] = await Promise.all([render(photo, null, crop), render(photo, { name: 'pixelate-faces' }, crop)]);
    // Where the attention crop put the face: the same choice, made again on the same pixels.
    const { info } = await sharp(photo.path).resize(side, side, { fit: 'cover', position: 'attention' }).toBuffer({ resolveWithObject: true });
    const scale = Math.max(side / photo.width, side / photo.height);
    const size = { width: photo.width * scale, height: photo.height * scale };
    const shifted = (n: number, offset: number | undefined) => Math.round(n - Math.abs(offset ?? 0));
    const inner = covered(face, { ...plain, ...size });
    const box = {
      left: Math.max(0, shifted(inner.left, info.cropOffsetLeft)),
      top: Math.max(0, shifted(inner.top, info.cropOffsetTop)),
      right: Math.min(side, shifted(inner.right, info.cropOffsetLeft)),
      bottom: Math.min(side, shifted(inner.bottom, info.cropOffsetTop)),
    };
    expect(box.right - box.left).toBeGreaterThan(20);
    expect(detail(redacted, box).mean).toBeLessThan(detail(plain, box).mean * DETAIL_LEFT_AT_MOST['pixelate-faces']);
    expect(detail(redacted, box).equalShare).toBeGreaterThanOrEqual(EQUAL_NEIGHBOURS_AT_LEAST);
  });
});
