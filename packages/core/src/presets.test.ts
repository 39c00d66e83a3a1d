import { describe, expect, it } from 'vitest';
import {
  findPreset,
  PRESETS,
  presetSpecHashes,
  presetStaleScope,
  specsForKind,
  variantSpecHash,
  type HlsVariantSpec,
  type VideoVariantSpec,
} from './presets.js';

describe('presets', () => {
  it('the default preset is the documented one', () => {
    expect(PRESETS.default!.variants.map((v) => [v.name, v.fit, v.width, v.height, v.format])).toEqual([
      ['thumb', 'cover', 256, 256, 'webp'],
      ['small', 'inside', 640, 640, 'webp'],
      ['medium', 'inside', 1280, 1280, 'webp'],
      ['large', 'inside', 2560, 2560, 'webp'],
      ['720p', 'inside', 1280, 720, 'mp4'],
      ['stream', undefined, 1920, 1080, 'hls'],
    ]);
  });

  it('an image renders only the image formats; a video all (its poster for the image ones)', () => {
    const specs = PRESETS.default!.variants;
    expect(specsForKind(specs, 'image').map((s) => s.name)).toEqual(['thumb', 'small', 'medium', 'large']);
    expect(specsForKind(specs, 'video')).toEqual(specs);
    expect(presetStaleScope(PRESETS.default!).videoVariants).toEqual(['720p', 'stream']);
  });

  it('finds only real presets (not Object.prototype names)', () => {
    expect(findPreset(PRESETS, 'default')?.name).toBe('default');
    expect(findPreset(PRESETS, 'toString')).toBeUndefined();
    expect(findPreset(PRESETS, 'nope')).toBeUndefined();
  });

  it('maps each variant name to its spec hash', () => {
    const hashes = presetSpecHashes(PRESETS.default!);
    expect(Object.keys(hashes)).toEqual(['thumb', 'small', 'medium', 'large', '720p', 'stream']);
    expect(hashes.thumb).toBe(variantSpecHash(PRESETS.default!.variants[0]!));
  });

  it('spec hashes are stable and change with any part of the spec', () => {
    const thumb = PRESETS.default!.variants[0]!;
    expect(variantSpecHash(thumb)).toBe(variantSpecHash({ ...thumb }));
    expect(variantSpecHash(thumb)).toMatch(/^[0-9a-f]{12}$/);
    expect(variantSpecHash({ ...thumb, quality: 81 })).not.toBe(variantSpecHash(thumb));
    expect(variantSpecHash({ ...thumb, width: 255 })).not.toBe(variantSpecHash(thumb));
    // Image hashes are what they were before video: existing variants keep their URLs.
    expect(variantSpecHash(thumb)).toBe('6082d08bcd75');
  });

  it('a video spec hash covers every field, maxDuration and audio included', () => {
    const clip: VideoVariantSpec = { name: 'clip', fit: 'inside', width: 640, height: 360, format: 'mp4', quality: 70 };
    const hashes = [
      clip,
      { ...clip, format: 'webm' as const },
      { ...clip, fit: 'cover' as const },
      { ...clip, height: 361 },
      { ...clip, quality: 71 },
      { ...clip, maxDuration: 5 },
      { ...clip, maxDuration: 6 },
      { ...clip, audio: false },
    ].map(variantSpecHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(variantSpecHash({ ...clip, audio: true })).toBe(variantSpecHash(clip)); // audio defaults to true
  });

  it('an hls spec hash covers segmentSeconds and audio', () => {
    const stream: HlsVariantSpec = { name: 'stream', format: 'hls', width: 1920, height: 1080, quality: 70 };
    const hashes = [stream, { ...stream, segmentSeconds: 6 }, { ...stream, audio: false }, { ...stream, height: 720 }].map(variantSpecHash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
