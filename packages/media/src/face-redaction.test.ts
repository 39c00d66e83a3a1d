import { describe, expect, it } from 'vitest';
import { coveredFaces, faceEffectStrength, redactFaces } from './face-redaction.js';

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
    const image = { data: Buffer.from(data), width, height, channels: 3 as const, premultiplied: false };
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
      const image = { data: Buffer.from(data), width, height, channels: 3 as const, premultiplied: false };
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
