import { describe, expect, it } from 'vitest';
import { findPreset, PRESETS, presetSpecHashes, variantSpecHash } from './presets.js';

describe('presets', () => {
  it('the default preset is the documented one', () => {
    expect(PRESETS.default!.variants.map((v) => [v.name, v.fit, v.width, v.height, v.format])).toEqual([
      ['thumb', 'cover', 256, 256, 'webp'],
      ['small', 'inside', 640, 640, 'webp'],
      ['medium', 'inside', 1280, 1280, 'webp'],
      ['large', 'inside', 2560, 2560, 'webp'],
    ]);
  });

  it('finds only real presets (not Object.prototype names)', () => {
    expect(findPreset(PRESETS, 'default')?.name).toBe('default');
    expect(findPreset(PRESETS, 'toString')).toBeUndefined();
    expect(findPreset(PRESETS, 'nope')).toBeUndefined();
  });

  it('maps each variant name to its spec hash', () => {
    const hashes = presetSpecHashes(PRESETS.default!);
    expect(Object.keys(hashes)).toEqual(['thumb', 'small', 'medium', 'large']);
    expect(hashes.thumb).toBe(variantSpecHash(PRESETS.default!.variants[0]!));
  });

  it('spec hashes are stable and change with any part of the spec', () => {
    const thumb = PRESETS.default!.variants[0]!;
    expect(variantSpecHash(thumb)).toBe(variantSpecHash({ ...thumb }));
    expect(variantSpecHash(thumb)).toMatch(/^[0-9a-f]{12}$/);
    expect(variantSpecHash({ ...thumb, quality: 81 })).not.toBe(variantSpecHash(thumb));
    expect(variantSpecHash({ ...thumb, width: 255 })).not.toBe(variantSpecHash(thumb));
  });
});
