import type { DarkroomError } from '@darkroom/core/errors';
import { describe, expect, it } from 'vitest';
import { compareKeys, keptPage, MAX_KEY_BYTES, SOURCE_PAGE_SIZE } from './listing-checks.js';

const page = (keys: string[], truncated = true) => ({ objects: keys.map((key) => ({ key, size: 1 })), truncated });
const kept = (keys: string[], cursor: string | null, truncated = true, prefix = '') => {
  const result = keptPage(page(keys, truncated), cursor, prefix);
  return { keys: result.objects.map((o) => o.key), next: result.next };
};
const refusal = (work: () => unknown): DarkroomError => {
  try {
    work();
  } catch (error) {
    return error as DarkroomError;
  }
  throw new Error('not refused');
};

describe('compareKeys', () => {
  it('orders keys by their UTF-8 bytes, as S3 lists them, where UTF-16 order differs', () => {
    const [replacement, emoji] = ['\uFFFD', '\u{1F600}'];
    expect(emoji < replacement).toBe(true);
    expect(compareKeys(replacement, emoji)).toBeLessThan(0);
    expect(compareKeys('a/b', 'a/b')).toBe(0);
    expect(['b', 'a/c', 'a', 'a/b'].sort(compareKeys)).toEqual(['a', 'a/b', 'a/c', 'b']);
  });
});

describe('keptPage', () => {
  it('keeps what moves forward: after the cursor and after each key kept, under the prefix', () => {
    expect(kept(['a', 'b', 'c'], null)).toEqual({ keys: ['a', 'b', 'c'], next: 'c' });
    expect(kept(['b', 'c', 'd', 'a', 'e'], 'c')).toEqual({ keys: ['d', 'e'], next: 'e' });
    expect(kept(['p/a', 'q/b', 'p/c'], null, true, 'p/')).toEqual({ keys: ['p/a', 'p/c'], next: 'p/c' });
    expect(kept(['\uFFFD', '\u{1F600}'], null, false)).toEqual({ keys: ['\uFFFD', '\u{1F600}'], next: null });
    // The last page ends the listing, whatever it kept.
    expect(kept(['a'], 'c', false)).toEqual({ keys: [], next: null });
  });

  it('refuses a page that says more follow but moves past nothing, a page over S3’s size, a key over S3’s length or holding a NUL, an ETag holding one, a size no object has', () => {
    expect(refusal(() => kept(['a', 'b'], 'b'))).toMatchObject({ code: 'source_unreachable' });
    expect(refusal(() => kept([], null))).toMatchObject({ code: 'source_unreachable' });
    const many = Array.from({ length: SOURCE_PAGE_SIZE + 1 }, (_, n) => `k${String(n).padStart(5, '0')}`);
    expect(refusal(() => kept(many, null))).toMatchObject({ code: 'source_too_large' });
    expect(kept(many.slice(0, SOURCE_PAGE_SIZE), null).keys).toHaveLength(SOURCE_PAGE_SIZE);
    // 1,024 bytes of UTF-8 is S3's longest key: 342 three-byte characters are 1,026.
    expect(refusal(() => kept(['\u20AC'.repeat(342)], null))).toMatchObject({ code: 'source_too_large' });
    expect(kept(['x'.repeat(MAX_KEY_BYTES)], null).keys).toHaveLength(1);
    expect(refusal(() => kept(['a', 'b\u0000c'], null))).toMatchObject({ code: 'source_too_large' });
    for (const size of [-1, 0.5, 2 ** 53, Number.NaN]) {
      const sized = { objects: [{ key: 'a', size }], truncated: false };
      expect(
        refusal(() => keptPage(sized, null, '')),
        String(size),
      ).toMatchObject({ code: 'source_too_large' });
    }
    expect(keptPage({ objects: [{ key: 'a', size: 0 }], truncated: false }, null, '').objects).toHaveLength(1);
    const etag = { objects: [{ key: 'a', size: 1, etag: '"a\u0000"' }], truncated: false };
    expect(refusal(() => keptPage(etag, null, ''))).toMatchObject({ code: 'source_too_large' });
  });
});
