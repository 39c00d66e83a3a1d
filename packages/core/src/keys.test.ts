import { describe, expect, it } from 'vitest';
import { storyboardSpriteKey, variantKey, variantObjectKeys } from './keys.js';

describe('variant object keys', () => {
  const t = '00000000-0000-4000-8000-000000000001';
  const a = '00000000-0000-4000-8000-000000000002';

  it("a storyboard's sprite sits beside its WebVTT file, named as it is", () => {
    const vtt = variantKey(t, a, 'storyboard', 'abc123', 'vtt');
    expect(vtt).toBe(`variants/${t}/${a}/storyboard-abc123.vtt`);
    expect(storyboardSpriteKey(vtt)).toBe(`variants/${t}/${a}/storyboard-abc123.webp`);
    expect(variantObjectKeys(vtt)).toEqual([vtt, storyboardSpriteKey(vtt)]);
  });

  it('every other variant is its one object', () => {
    const mp4 = variantKey(t, a, '720p', 'abc123', 'mp4');
    expect(variantObjectKeys(mp4)).toEqual([mp4]);
    expect(variantObjectKeys(`variants/${t}/${a}/r1/0123456789ab.webp`)).toEqual([`variants/${t}/${a}/r1/0123456789ab.webp`]);
  });
});
