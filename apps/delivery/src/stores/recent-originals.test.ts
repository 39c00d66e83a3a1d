import { describe, expect, it } from 'vitest';
import { createRecentOriginals } from './recent-originals.js';

const bytes = (n: number, fill = 1) => Buffer.alloc(n, fill);

describe('createRecentOriginals', () => {
  it('gives back an original read within its life, and nothing after', () => {
    let now = 0;
    const recent = createRecentOriginals({ maxBytes: 100, lifeMs: 10_000, now: () => now });
    const data = bytes(10);
    expect(recent.keep('originals/t/a', data)).toBe(true);
    expect(recent.get('originals/t/a')).toBe(data);
    expect(recent.get('originals/t/b')).toBeNull();
    now = 9_999;
    expect(recent.get('originals/t/a')).toBe(data);
    now = 10_000;
    expect(recent.get('originals/t/a')).toBeNull();
  });

  it('keeps at most its bytes, the least recently read leaving first; one larger than all of them is not kept', () => {
    const recent = createRecentOriginals({ maxBytes: 100, lifeMs: 10_000 });
    for (const key of ['a', 'b', 'c']) expect(recent.keep(key, bytes(40))).toBe(true);
    expect(['a', 'b', 'c'].map((key) => recent.get(key) !== null)).toEqual([false, true, true]);
    expect(recent.keep('d', bytes(101))).toBe(false);
    expect(recent.get('d')).toBeNull();
    expect(createRecentOriginals({ maxBytes: 0, lifeMs: 10_000 }).keep('a', bytes(1))).toBe(false);
  });
});
