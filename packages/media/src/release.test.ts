import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { releaseBuffer } from './release.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('releaseBuffer', () => {
  it("frees a render's pixels at once, without a collection", async () => {
    const before = process.memoryUsage().external;
    const pixels = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#888' } })
      .raw()
      .toBuffer();
    expect(process.memoryUsage().external - before).toBeGreaterThanOrEqual(11_000_000);
    releaseBuffer(pixels);
    await settle();
    expect(pixels.length).toBe(0);
    expect(process.memoryUsage().external - before).toBeLessThan(1_000_000);
    releaseBuffer(pixels); // a second call does nothing
  });

  it("leaves alone a small Buffer, a view into another's memory, and Node's pooled ones", () => {
    const small = Buffer.alloc(1000, 1);
    const big = Buffer.alloc(200_000, 2);
    const view = big.subarray(10, 100_000);
    const pooled = Buffer.from('pooled');
    for (const b of [small, view, pooled]) releaseBuffer(b);
    expect([small.length, view.length, big.length, pooled.toString()]).toEqual([1000, 99_990, 200_000, 'pooled']);
  });
});
