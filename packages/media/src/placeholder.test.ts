import sharp from 'sharp';
import { thumbHashToApproximateAspectRatio, thumbHashToAverageRGBA, thumbHashToRGBA } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import { averageColor, computePlaceholder } from './placeholder.js';
import type { RawImage } from './types.js';
import { fixture } from './test-fixtures.js';

async function solid(width: number, height: number, background: string, channels: 3 | 4 = 3): Promise<RawImage> {
  const { data } = await sharp({ create: { width, height, channels, background } }).raw().toBuffer({ resolveWithObject: true });
  return { data, width, height, channels };
}

function decodeHash(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

describe('computePlaceholder', () => {
  it('gives a solid image its own colour and a ThumbHash that decodes to it', async () => {
    const { thumbhash, dominantColor } = await computePlaceholder(await solid(300, 200, '#c81e3c'));
    expect(dominantColor).toBe('#c81e3c');
    const hash = decodeHash(thumbhash);
    const decoded = thumbHashToRGBA(hash);
    expect(decoded.w).toBeGreaterThan(0);
    expect(decoded.rgba.length).toBe(decoded.w * decoded.h * 4);
    const average = thumbHashToAverageRGBA(hash);
    expect(Math.round(average.r * 255)).toBeCloseTo(0xc8, -1);
    expect(Math.round(average.g * 255)).toBeCloseTo(0x1e, -1);
    expect(Math.round(average.b * 255)).toBeCloseTo(0x3c, -1);
    // ThumbHash stores the aspect ratio only roughly.
    expect(Math.abs(thumbHashToApproximateAspectRatio(hash) - 1.5)).toBeLessThan(0.15);
  });

  it('describes a photo: hash with its aspect ratio, a dark green-grey colour for the forest', async () => {
    const { data, info } = await sharp(fixture('Landscape_1.jpg')).raw().toBuffer({ resolveWithObject: true });
    const { thumbhash, dominantColor } = await computePlaceholder({ data, width: info.width, height: info.height, channels: 3 });
    expect(dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(dominantColor.slice(i, i + 2), 16)) as [number, number, number];
    expect(g).toBeGreaterThanOrEqual(b);
    expect(r + g + b).toBeLessThan(3 * 128);
    expect(Math.abs(thumbHashToApproximateAspectRatio(decodeHash(thumbhash)) - 600 / 450)).toBeLessThan(0.15);
  });

  it('handles images smaller than the ThumbHash limit and with alpha', async () => {
    const { thumbhash, dominantColor } = await computePlaceholder(await solid(20, 10, '#00ff0080', 4));
    expect(dominantColor).toBe('#00ff00');
    expect(thumbHashToRGBA(decodeHash(thumbhash)).w).toBeGreaterThan(0);
  });
});

describe('averageColor', () => {
  it('weights by alpha, so transparent pixels do not darken the colour', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 255]);
    expect(averageColor(rgba)).toBe('#800080');
    expect(averageColor(new Uint8Array([10, 20, 30, 0]))).toBe('#000000');
  });
});
