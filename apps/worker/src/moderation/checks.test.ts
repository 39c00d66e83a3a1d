import type { Asset } from '@darkroom/db/schema';
import { probeImage } from '@darkroom/media';
import { describe, expect, it, vi } from 'vitest';
import { fixture } from '../../../../test/support/images.js';
import type { WorkerDeps } from '../deps.js';
import type { LocalOriginal } from '../render/fetch-original.js';
import { picturesOf } from './checks.js';

describe("the moderation checks' pictures", () => {
  it("decode an image only once the render gate admits the file's pixels, and give them back", async () => {
    const path = fixture('Landscape_1.jpg');
    const order: string[] = [];
    const released = vi.fn(() => order.push('released'));
    const admit = vi.fn(async (_pixels: number) => {
      order.push('admitted');
      return released;
    });
    const run = {
      deps: { config: { maxInputPixels: 100_000_000, tmpDir: undefined, jobTimeoutMs: 30_000 } } as unknown as WorkerDeps,
      asset: { id: 'asset-1', kind: 'image' } as Asset,
      original: { path } as LocalOriginal,
      jobId: 'job-1',
      admit,
    };
    const [picture] = await picturesOf(run);
    const { width, height } = await probeImage(path, { maxInputPixels: 100_000_000 });
    expect(admit.mock.calls).toEqual([[width * height]]);
    expect(order).toEqual(['admitted', 'released']);
    // Smaller than the checks' 640 px: as it is.
    expect([picture!.width, picture!.height]).toEqual([width, height]);
  });
});
