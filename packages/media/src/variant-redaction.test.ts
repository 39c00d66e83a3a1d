import { readFileSync } from 'node:fs';
import type { FaceBox } from '@darkroom/core/contract/asset';
import type { FaceRedaction } from '@darkroom/core/delivery';
import type { ImageVariantSpec } from '@darkroom/core/presets';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FACE_REDACTION_PADDING } from './face-redaction.js';
import { probeImage } from './probe.js';
import { renderImage } from './render.js';
import { fixture } from './test-fixtures.js';
import type { Framing } from './types.js';

/**
 * Eager variants under a policy's `enforceFaceRedaction`: each face box, as the photo's hand-marked
 * labels place it (1000 × 750), covered in every variant's own pixels, whatever its fit and the
 * asset's crop; the rest of the variant the same as unredacted. Where a box lands is worked out here
 * by hand for each shape, not by the code under test.
 */
const PHOTO = fixture('photos/group-cafe.jpg');
const FACES = (JSON.parse(readFileSync(fixture('photos/group-cafe.faces.json'), 'utf8')) as { faces: Omit<FaceBox, 'score'>[] }).faces.map((f) => ({
  ...f,
  score: 1,
}));
const DISPLAYED = { width: 1000, height: 750 };
const OPTIONS = { maxInputPixels: 100_000_000 };

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

/** A face's area in the output: `output = displayed × scale − offset`, padded as delivery pads it, pulled in a pixel for rounding. */
type Edges = { left: number; top: number; right: number; bottom: number };
function areaOf(
  face: FaceBox,
  place: { scale: number; offsetX: number; offsetY: number },
  size: { width: number; height: number },
  pull: number,
): Edges {
  const w = face.width * DISPLAYED.width * place.scale;
  const h = face.height * DISPLAYED.height * place.scale;
  const x = face.x * DISPLAYED.width * place.scale - place.offsetX;
  const y = face.y * DISPLAYED.height * place.scale - place.offsetY;
  const pad = FACE_REDACTION_PADDING;
  return {
    left: Math.max(0, Math.round(x - w * pad) + pull),
    top: Math.max(0, Math.round(y - h * pad) + pull),
    right: Math.min(size.width, Math.round(x + w * (1 + pad)) - pull),
    bottom: Math.min(size.height, Math.round(y + h * (1 + pad)) - pull),
  };
}

const inside = (e: Edges, x: number, y: number) => x >= e.left && x < e.right && y >= e.top && y < e.bottom;

/** Mean absolute difference of neighbouring pixels within `e`: how much detail is left there. */
function detail(raw: Raw, e: Edges): number {
  let sum = 0;
  let n = 0;
  for (let y = e.top; y < e.bottom - 1; y++) {
    for (let x = e.left; x < e.right - 1; x++) {
      const at = (y * raw.width + x) * 3;
      for (let c = 0; c < 3; c++)
        sum += Math.abs(raw.data[at + c]! - raw.data[at + 3 + c]!) + Math.abs(raw.data[at + c]! - raw.data[at + raw.width * 3 + c]!);
      n += 6;
    }
  }
  return sum / Math.max(1, n);
}

/** Mean absolute difference of two renders over the pixels outside every face's (widened) area. */
function outsideDifference(a: Raw, b: Raw, areas: Edges[]): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (areas.some((e) => inside(e, x, y))) continue;
      const at = (y * a.width + x) * 3;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[at + c]! - b.data[at + c]!);
      n += 3;
    }
  }
  return sum / Math.max(1, n);
}

async function render(spec: ImageVariantSpec, framing: Framing | undefined, effect: FaceRedaction | null) {
  const probe = await probeImage(PHOTO, OPTIONS);
  const redaction = effect ? { effect, faces: FACES } : undefined;
  const { variants } = await renderImage(PHOTO, probe, [spec], { ...OPTIONS, framing, redaction });
  const variant = variants[0]!;
  const { data, info } = await sharp(variant.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { variant, raw: { data, width: info.width, height: info.height } };
}

const png = (name: string, fit: 'inside' | 'cover', width: number, height: number): ImageVariantSpec => ({
  name,
  fit,
  width,
  height,
  format: 'png',
  quality: 80,
});

const CASES = [
  { name: 'inside, whole image', spec: png('small', 'inside', 500, 500), framing: undefined, place: { scale: 0.5, offsetX: 0, offsetY: 0 } },
  // A square cover of a 4:3 photo keeps its middle 750 × 750: 125 px cut off each side, then × 0.4.
  { name: 'cover, centred', spec: png('thumb', 'cover', 300, 300), framing: undefined, place: { scale: 0.4, offsetX: 50, offsetY: 0 } },
  {
    name: 'inside, cropped',
    spec: png('small', 'inside', 400, 400),
    framing: { crop: { x: 0, y: 100, width: 800, height: 600 }, focus: null },
    place: { scale: 0.5, offsetX: 0, offsetY: 50 },
  },
] as const;

describe('eager variants under enforced face redaction', () => {
  for (const { name, spec, framing, place } of CASES) {
    it(`covers every face and leaves the rest (${name})`, async () => {
      const plain = await render(spec, framing, null);
      const blurred = await render(spec, framing, 'blur');
      expect([blurred.raw.width, blurred.raw.height]).toEqual([plain.raw.width, plain.raw.height]);
      const size = { width: plain.raw.width, height: plain.raw.height };
      const faces = FACES.map((face) => areaOf(face, place, size, 1)).filter((e) => e.right - e.left > 8 && e.bottom - e.top > 8);
      expect(faces.length).toBeGreaterThan(0);
      for (const area of faces) expect(detail(blurred.raw, area) / detail(plain.raw, area)).toBeLessThan(0.5);
      const widened = FACES.map((face) => areaOf(face, place, size, -2));
      expect(outsideDifference(plain.raw, blurred.raw, widened)).toBeLessThan(0.5);
      // Another object: no CDN holding the unredacted bytes can answer for the redacted ones.
      expect(blurred.variant.redaction).toBe('blur');
      expect(plain.variant.redaction).toBeNull();
      expect(blurred.variant.outputHash).not.toBe(plain.variant.outputHash);
    });
  }

  it('pixelates instead where the policy says so, under an output hash of its own', async () => {
    const spec = png('small', 'inside', 500, 500);
    const [plain, blurred, pixelated] = await Promise.all([
      render(spec, undefined, null),
      render(spec, undefined, 'blur'),
      render(spec, undefined, 'pixelate'),
    ]);
    const area = areaOf(FACES[0]!, CASES[0].place, plain.raw, 1);
    expect(detail(pixelated.raw, area) / detail(plain.raw, area)).toBeLessThan(0.7);
    expect(pixelated.variant.outputHash).not.toBe(blurred.variant.outputHash);
  });

  it('renders as before, under the same hash, when no face is known', async () => {
    const spec = png('small', 'inside', 500, 500);
    const probe = await probeImage(PHOTO, OPTIONS);
    const plain = await render(spec, undefined, null);
    const { variants } = await renderImage(PHOTO, probe, [spec], { ...OPTIONS, redaction: { effect: 'blur', faces: [] } });
    expect(variants[0]!.outputHash).toBe(plain.variant.outputHash);
    expect(variants[0]!.redaction).toBeNull();
  });
});
