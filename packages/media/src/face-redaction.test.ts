import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaceRedaction } from '@darkroom/core/delivery';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderOnRequest } from './deliver.js';
import { coveredFaces, faceEffectStrength, redactFaces } from './face-redaction.js';
import { probeImage } from './probe.js';
import { renderImage } from './render.js';
import { fixture, tempDir } from './test-fixtures.js';

const displayed = { width: 1000, height: 500 };
const face = { x: 0.5, y: 0.2, width: 0.1, height: 0.2, score: 1 }; // 100×100 px at (500, 100)

describe('coveredFaces', () => {
  it('places each face in the output with 10 % more on each side', () => {
    const half = { scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 0 };
    expect(coveredFaces([face], displayed, half, { width: 500, height: 250 })).toEqual([
      { area: { left: 245, top: 45, width: 60, height: 60 }, faceWidth: 50 },
    ]);
  });

  it('follows a cut, clips at the edge and leaves out faces outside the output', () => {
    const cut = { scaleX: 1, scaleY: 1, offsetX: 520, offsetY: 0 };
    expect(coveredFaces([face, { ...face, x: 0.1 }], displayed, cut, { width: 200, height: 200 })).toEqual([
      { area: { left: 0, top: 90, width: 90, height: 110 }, faceWidth: 100 },
    ]);
  });
});

describe('faceEffectStrength', () => {
  it('raises a strength to 1/6 of the face width and keeps a larger one', () => {
    expect(faceEffectStrength({ name: 'pixelate-faces' }, 120)).toBe(20);
    expect(faceEffectStrength({ name: 'pixelate-faces', strength: 4 }, 120)).toBe(20);
    expect(faceEffectStrength({ name: 'pixelate-faces', strength: 30 }, 120)).toBe(30);
    expect(faceEffectStrength({ name: 'blur-faces', strength: 1 }, 60)).toBe(10);
    expect(faceEffectStrength({ name: 'blur-faces' }, 1)).toBe(0.3);
  });
});

describe('redactFaces', () => {
  it('pixelates into blocks of one colour inside the area alone', async () => {
    const width = 64;
    const height = 32;
    const data = Buffer.alloc(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 251; // noise: no two neighbours alike
    const image = { data: Buffer.from(data), width, height, channels: 3 as const };
    const area = { left: 8, top: 4, width: 24, height: 24 };
    const redacted = await redactFaces(image, [{ area, faceWidth: 48 }], { name: 'pixelate-faces' });
    const { data: out, info } = await redacted.raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3); // an opaque image stays opaque
    const at = (x: number, y: number) => out.subarray((y * width + x) * 3, (y * width + x) * 3 + 3).toString('hex');
    // Blocks of 8 (48 / 6): each 8×8 block inside the area is one colour.
    for (const [bx, by] of [
      [8, 4],
      [16, 12],
      [24, 20],
    ] as const) {
      for (let dy = 0; dy < 8; dy++) for (let dx = 0; dx < 8; dx++) expect(at(bx + dx, by + dy)).toBe(at(bx, by));
    }
    expect(out.subarray(0, width * 3 * 4).equals(data.subarray(0, width * 3 * 4))).toBe(true); // rows above untouched
    expect(at(40, 10)).toBe(data.subarray((10 * width + 40) * 3, (10 * width + 40) * 3 + 3).toString('hex'));
  });

  it('covers one face at a time, and skips an area inside one already covered as strongly', async () => {
    const width = 200;
    const height = 100;
    const data = Buffer.alloc(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 251;
    const whole = { area: { left: 0, top: 0, width, height }, faceWidth: 180 };
    const countPipelines = async (faces: (typeof whole)[]) => {
      let pipelines = 0;
      const image = { data: Buffer.from(data), width, height, channels: 3 as const };
      const out = await redactFaces(image, faces, { name: 'blur-faces' }, (pipeline) => {
        pipelines += 1;
        return pipeline;
      });
      return { pipelines, out: await out.raw().toBuffer() };
    };
    const one = await countPipelines([whole]);
    // A hundred boxes over the whole image (what a PATCH may mark) cost what one does.
    const hundred = await countPipelines(Array.from({ length: 100 }, () => whole));
    expect(hundred.pipelines).toBe(one.pipelines);
    expect(hundred.out.equals(one.out)).toBe(true);
    // A smaller face inside it still gets its own pass when it asks a stronger effect; two apart, one each.
    const inner = { area: { left: 10, top: 10, width: 40, height: 40 }, faceWidth: 600 };
    expect((await countPipelines([whole, inner])).pipelines).toBe(2 * one.pipelines);
    const left = { area: { left: 0, top: 0, width: 90, height: 90 }, faceWidth: 80 };
    const right = { area: { left: 100, top: 0, width: 90, height: 90 }, faceWidth: 80 };
    const both = await countPipelines([left, right]);
    for (const x of [45, 145]) {
      const at = (50 * width + x) * 3;
      expect(both.out.subarray(at, at + 3).equals(data.subarray(at, at + 3))).toBe(false);
    }
  });
});

describe('faces under semi-transparent pixels', () => {
  // A labelled photo (1000 × 750) at half opacity: a cut-out portrait's hair and edges are like it.
  const PHOTO = fixture('photos/group-cafe.jpg');
  const FACES = (
    JSON.parse(readFileSync(fixture('photos/group-cafe.faces.json'), 'utf8')) as { faces: { x: number; y: number; width: number; height: number }[] }
  ).faces;
  const OPTIONS = { maxInputPixels: 100_000_000, video: { maxDurationSeconds: 900, maxPixels: 8_847_360 } };
  const OUTPUT = { width: 500, height: 375 };

  /** Each face box's mean red, green and blue in a 500 × 375 PNG of the whole photo (straight alpha, as PNG stores it). */
  async function faceMeans(png: Buffer): Promise<number[][]> {
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([OUTPUT.width, OUTPUT.height]);
    return FACES.map((face) => {
      const sums = [0, 0, 0];
      let n = 0;
      for (let y = Math.ceil(face.y * info.height); y < Math.floor((face.y + face.height) * info.height); y++) {
        for (let x = Math.ceil(face.x * info.width); x < Math.floor((face.x + face.width) * info.width); x++) {
          for (let c = 0; c < 3; c++) sums[c]! += data[(y * info.width + x) * 4 + c]!;
          n++;
        }
      }
      return sums.map((sum) => sum / n);
    });
  }

  const delivered = async (path: string, effect: FaceRedaction | null) => {
    const faces = FACES.map((f) => ({ ...f, score: 1 }));
    const render = { ...OUTPUT, fit: 'inside', gravity: 'center', quality: 100, format: 'png', crop: null, focus: null, faces, zoom: 1 } as const;
    return (await renderOnRequest(path, 'image', { ...render, effect: effect ? { name: `${effect}-faces` } : null }, OPTIONS)).data;
  };

  const variant = async (path: string, effect: FaceRedaction | null) => {
    const spec = { name: 'small', fit: 'inside', ...OUTPUT, format: 'png', quality: 80 } as const;
    const redaction = effect ? { effect, faces: FACES.map((f) => ({ ...f, score: 1 })) } : undefined;
    const { variants } = await renderImage(path, await probeImage(path, OPTIONS), [spec], { ...OPTIONS, redaction });
    return variants[0]!.data;
  };

  it('blurs and pixelates them in their own colours, in delivery renders and eager variants alike', async () => {
    const path = join(await tempDir(), 'half-opaque.png');
    await sharp(PHOTO).ensureAlpha(0.5).png().toFile(path);
    for (const make of [delivered, variant]) {
      const plain = await faceMeans(await make(path, null));
      for (const effect of ['blur', 'pixelate'] as const) {
        const redacted = await faceMeans(await make(path, effect));
        // A blur or a pixelation averages a face's pixels: its mean colour stays (not lightened toward white).
        for (const [i, means] of redacted.entries()) {
          for (const [c, mean] of means.entries()) expect(Math.abs(mean - plain[i]![c]!), `${make.name} ${effect} face ${i}`).toBeLessThan(8);
        }
      }
    }
  });
});
