import { faceCropRegion, type Region } from '@darkroom/media';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FaceBox, type FacePhoto, facePhotos } from '../support/face-photos.js';

/**
 * `g_face` on the labelled photos (issue 61): at 1:1 and 16:9 the crop keeps the whole largest
 * hand-marked face in at least 95 % of the photos with a face where any region of that aspect can
 * hold it (a close-up portrait's face can be taller than the widest 16:9 strip of it: no crop keeps
 * that, and the rate over every photo is logged beside); `g_auto` (libvips' attention crop) is
 * measured on the same pixels. The photos are seen at the detector's 640 px, and the outputs are
 * avatar- and card-sized boxes of that.
 */
const LONG_SIDE = 640;
const KEEP_RATE_GOAL = 0.95;
const BOXES = { '1:1': { width: 256, height: 256 }, '16:9': { width: 448, height: 252 } } as const;

interface Seen {
  photo: FacePhoto;
  raw: Buffer;
  width: number;
  height: number;
  largest: FaceBox;
}

const area = (face: FaceBox) => face.width * face.height;

/** Whether a region (displayed pixels) holds a face box (fractions) whole, to the pixel. */
function keeps(region: Region, face: FaceBox, size: { width: number; height: number }): boolean {
  return (
    Math.floor(face.x * size.width) >= region.left - 1 &&
    Math.floor(face.y * size.height) >= region.top - 1 &&
    Math.ceil((face.x + face.width) * size.width) <= region.left + region.width + 1 &&
    Math.ceil((face.y + face.height) * size.height) <= region.top + region.height + 1
  );
}

/** Whether the largest region of the box's aspect within the image is tall and wide enough for the face. */
function fits(face: FaceBox, size: { width: number; height: number }, box: { width: number; height: number }): boolean {
  const aspect = box.width / box.height;
  const width = Math.min(size.width, size.height * aspect);
  return face.width * size.width <= width && face.height * size.height <= width / aspect;
}

/** The region libvips' attention crop keeps of a `cover` box: from the offset it reports, back in the image's pixels. */
async function attentionRegion(seen: Seen, box: { width: number; height: number }): Promise<Region> {
  const { info } = await sharp(seen.raw, { raw: { width: seen.width, height: seen.height, channels: 3 } })
    .resize(box.width, box.height, { fit: 'cover', position: 'attention' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const scale = Math.max(box.width / seen.width, box.height / seen.height);
  return {
    left: Math.abs(info.cropOffsetLeft ?? 0) / scale,
    top: Math.abs(info.cropOffsetTop ?? 0) / scale,
    width: box.width / scale,
    height: box.height / scale,
  };
}

let seen: Seen[];
beforeAll(async () => {
  const withFaces = (await facePhotos()).filter((photo) => photo.faces.length > 0);
  seen = await Promise.all(
    withFaces.map(async (photo) => {
      const { data, info } = await sharp(photo.path)
        .resize(LONG_SIDE, LONG_SIDE, { fit: 'inside' })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const largest = photo.faces.reduce((a, b) => (area(b) > area(a) ? b : a));
      return { photo, raw: data, width: info.width, height: info.height, largest };
    }),
  );
}, 60_000);

describe('g_face on the labelled photos', () => {
  for (const [name, box] of Object.entries(BOXES)) {
    it(`keeps the largest face whole at ${name} in at least ${KEEP_RATE_GOAL * 100} % of the photos`, async () => {
      let face = 0;
      let auto = 0;
      let keptWherePossible = 0;
      let possible = 0;
      const cut: string[] = [];
      for (const one of seen) {
        const size = { width: one.width, height: one.height };
        const faces = [...one.photo.faces].sort((a, b) => area(b) - area(a)).map((f) => ({ ...f, score: 1 }));
        const crop = { left: 0, top: 0, ...size };
        const region = faceCropRegion({ displayed: size, crop, output: box, faces, which: 'face', zoom: 1 });
        expect(region, one.photo.name).not.toBeNull();
        const kept = region !== null && keeps(region, one.largest, size);
        if (kept) face++;
        else cut.push(one.photo.name);
        if (fits(one.largest, size, box)) {
          possible++;
          if (kept) keptWherePossible++;
        }
        if (keeps(await attentionRegion(one, box), one.largest, size)) auto++;
      }
      const percent = (n: number, of: number) => `${n}/${of} (${((n / of) * 100).toFixed(1)} %)`;
      console.log(
        `${name}: g_face keeps ${percent(face, seen.length)}, g_auto ${percent(auto, seen.length)}; ` +
          `g_face where a crop can: ${percent(keptWherePossible, possible)}; cut by g_face: ${cut.join(', ') || 'none'}`,
      );
      expect(seen.length).toBeGreaterThanOrEqual(20);
      expect(keptWherePossible / possible).toBeGreaterThanOrEqual(KEEP_RATE_GOAL);
    });
  }
});
