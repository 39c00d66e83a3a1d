import type { VariantSpec } from '@darkroom/core/presets';
import { describe, expect, it } from 'vitest';
import { outputSeconds } from './video-quota.js';

const hls: VariantSpec = { name: 'hls', format: 'hls', width: 1920, height: 1080, quality: 70 };
const mp4 = (maxDuration?: number): VariantSpec => ({
  name: 'mp4',
  format: 'mp4',
  fit: 'inside',
  width: 1280,
  height: 720,
  quality: 70,
  maxDuration,
});
const board: VariantSpec = { name: 'board', format: 'storyboard', width: 160 };

describe('outputSeconds', () => {
  it('counts the duration once per rung the ladder plans for the source, once per rendition', () => {
    // 640x360 reaches the 360 and 240 rungs: two, plus the rendition.
    expect(outputSeconds({ width: 640, height: 360, durationSeconds: 10 }, [hls, mp4(), board])).toBe(30);
    // 1920x1080 reaches all five rungs.
    expect(outputSeconds({ width: 1920, height: 1080, durationSeconds: 2 }, [hls])).toBe(10);
  });

  it('cuts a rendition at its maxDuration, counts stills as nothing, rounds up', () => {
    expect(outputSeconds({ width: 640, height: 360, durationSeconds: 100 }, [mp4(15)])).toBe(15);
    expect(outputSeconds({ width: 640, height: 360, durationSeconds: 1.2 }, [mp4()])).toBe(2);
    expect(outputSeconds({ width: 640, height: 360, durationSeconds: 100 }, [board])).toBe(0);
  });
});
