import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import type { ImageVariantSpec } from '@darkroom/core/presets';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { processImageFile } from './process-image.js';
import { probeImage } from './probe.js';
import { renderImage } from './render.js';
import { fixture, tempDir } from './test-fixtures.js';
import type { Framing, RenderedVariant } from './types.js';

const OPTIONS = { maxInputPixels: 100_000_000 };
const QUADRANTS = { tl: [255, 0, 0], tr: [0, 255, 0], bl: [0, 0, 255], br: [255, 255, 0] } as const;
const W = 800;
const H = 600;

/** An 800×600 PNG in four flat quadrants (red, green / blue, yellow): where a crop cut from shows in its colours. */
async function quadrants(alpha = false): Promise<Buffer> {
  const channels = alpha ? 4 : 3;
  const data = Buffer.alloc(W * H * channels);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = y < H / 2 ? (x < W / 2 ? QUADRANTS.tl : QUADRANTS.tr) : x < W / 2 ? QUADRANTS.bl : QUADRANTS.br;
      const at = (y * W + x) * channels;
      data.set(c, at);
      if (alpha) data[at + 3] = 128;
    }
  }
  return sharp(data, { raw: { width: W, height: H, channels } })
    .png()
    .toBuffer();
}

const spec = (name: string, fit: 'inside' | 'cover', width: number, height: number): ImageVariantSpec => ({
  name,
  fit,
  width,
  height,
  format: 'png',
  quality: 90,
});
const LARGE = spec('large', 'inside', 400, 400);
const THUMB = spec('thumb', 'cover', 100, 100);

/** The colour at (fx, fy) as fractions of the variant. */
async function colourAt(v: RenderedVariant, fx: number, fy: number): Promise<number[]> {
  const { data, info } = await sharp(v.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (Math.floor(fy * (info.height - 1)) * info.width + Math.floor(fx * (info.width - 1))) * 3;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

const near = (actual: number[], expected: readonly number[]) => actual.every((value, i) => Math.abs(value - expected[i]!) <= 8);

describe('rendering with a crop and focus', () => {
  let path: string;
  beforeAll(async () => {
    path = join(await tempDir(), 'quadrants.png');
    await writeFile(path, await quadrants());
  });

  async function render(framing: Framing) {
    return renderImage(path, await probeImage(path, OPTIONS), [LARGE, THUMB], { ...OPTIONS, framing });
  }

  it('renders every variant from the crop: its size, and only its pixels', async () => {
    // The bottom-right quadrant, and a sliver of the bottom-left one.
    const { variants, pixels, frame } = await render({ crop: { x: 360, y: 300, width: 440, height: 300 }, focus: null });
    const large = variants.find((v) => v.spec.name === 'large')!;
    expect([large.width, large.height]).toEqual([400, 273]);
    expect(near(await colourAt(large, 0.9, 0.5), QUADRANTS.br)).toBe(true);
    expect(near(await colourAt(large, 0.02, 0.5), QUADRANTS.bl)).toBe(true);
    for (const [fx, fy] of [
      [0.5, 0.05],
      [0.95, 0.05],
      [0.5, 0.95],
    ])
      expect(near(await colourAt(large, fx!, fy!), QUADRANTS.br)).toBe(true);
    // The placeholder's pixels are the crop's too.
    expect(pixels.width / pixels.height).toBeCloseTo(440 / 300, 1);
    expect(frame?.region).toEqual({ left: 360, top: 300, width: 440, height: 300 });
  });

  it('centres a cover thumb on the focus instead of the middle', async () => {
    const centred = (await render({ crop: null, focus: null })).variants.find((v) => v.spec.name === 'thumb')!;
    const left = (await render({ crop: null, focus: { x: 0, y: 0.1 } })).variants.find((v) => v.spec.name === 'thumb')!;
    const right = (await render({ crop: null, focus: { x: 1, y: 0.9 } })).variants.find((v) => v.spec.name === 'thumb')!;
    for (const v of [centred, left, right]) expect([v.width, v.height]).toEqual([100, 100]);
    // Centred, the square straddles the middle: the left edge is red/blue, the right green/yellow.
    expect(near(await colourAt(centred, 0.02, 0.2), QUADRANTS.tl)).toBe(true);
    expect(near(await colourAt(centred, 0.98, 0.2), QUADRANTS.tr)).toBe(true);
    // At the left edge the square is the left 600 px: mostly red/blue, a little green/yellow at its right.
    expect(near(await colourAt(left, 0.5, 0.2), QUADRANTS.tl)).toBe(true);
    expect(near(await colourAt(left, 0.6, 0.8), QUADRANTS.bl)).toBe(true);
    expect(near(await colourAt(right, 0.4, 0.2), QUADRANTS.tr)).toBe(true);
    expect(near(await colourAt(right, 0.4, 0.8), QUADRANTS.br)).toBe(true);
  });

  it('centres a cover within the crop on a focus, and a focus outside the crop on its nearest point', async () => {
    // The top half; the focus far to the right (and below the crop): the thumb is the right 300×300.
    const { variants } = await render({ crop: { x: 0, y: 0, width: 800, height: 300 }, focus: { x: 1, y: 1 } });
    const thumb = variants.find((v) => v.spec.name === 'thumb')!;
    expect(near(await colourAt(thumb, 0.1, 0.5), QUADRANTS.tr)).toBe(true);
    expect(near(await colourAt(thumb, 0.9, 0.9), QUADRANTS.tr)).toBe(true);
  });

  it('cuts a crop reaching past the image back to it, and fails one that leaves less than 16×16', async () => {
    const processed = await processImageFile(
      path,
      { name: 'p', variants: [LARGE] },
      { ...OPTIONS, framing: { crop: { x: 700, y: 500, width: 400, height: 400 }, focus: null } },
    );
    expect(processed.crop).toEqual({ x: 700, y: 500, width: 100, height: 100 });
    expect([processed.variants[0]!.width, processed.variants[0]!.height]).toEqual([100, 100]);
    expect(processed.dominantColor).toBe('#ffff00');
    const outside = processImageFile(
      path,
      { name: 'p', variants: [LARGE] },
      { ...OPTIONS, framing: { crop: { x: 790, y: 0, width: 16, height: 16 }, focus: null } },
    );
    await expect(outside).rejects.toBeInstanceOf(BadMediaError);
    await expect(outside).rejects.toMatchObject({ code: 'invalid_crop' });
  });

  it('leaves an animation whole and animated (libvips would cut across its frame strip), still checking its crop', async () => {
    const animated = fixture('animated-loop-3.gif');
    const probe = await probeImage(animated, OPTIONS);
    const webp = { ...LARGE, format: 'webp' as const };
    const whole = (await renderImage(animated, probe, [webp], OPTIONS)).variants[0]!;
    const crop = { x: 16, y: 16, width: 32, height: 32 };
    const framed = await renderImage(animated, probe, [webp], { ...OPTIONS, framing: { crop, focus: null } });
    expect(framed.variants[0]!.data.equals(whole.data)).toBe(true);
    expect(framed.frame?.region).toEqual({ left: 16, top: 16, width: 32, height: 32 });
  });

  it('renders exactly as before when there is neither crop nor focus', async () => {
    const before = await renderImage(path, await probeImage(path, OPTIONS), [LARGE, THUMB], OPTIONS);
    const framed = await render({ crop: null, focus: null });
    expect(framed.frame).toBeNull();
    expect(framed.variants.map((v) => v.data.equals(before.variants.find((b) => b.spec.name === v.spec.name)!.data))).toEqual([true, true]);
  });
});
