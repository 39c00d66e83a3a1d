import { describe, expect, it } from 'vitest';
import { byteRangeHeader, parseByteRange, resolveByteRange } from './byte-range.js';

describe('parseByteRange', () => {
  it('reads one range of each form', () => {
    expect(parseByteRange('bytes=0-99')).toEqual({ start: 0, end: 99 });
    expect(parseByteRange('bytes=100-')).toEqual({ start: 100, end: undefined });
    expect(parseByteRange('bytes=-500')).toEqual({ suffix: 500 });
    expect(parseByteRange('bytes=5-5')).toEqual({ start: 5, end: 5 });
  });

  it('ignores several ranges, reversed, malformed or other units', () => {
    for (const header of [
      undefined,
      '',
      'bytes=0-1,5-6',
      'bytes=9-2',
      'bytes=-0',
      'bytes=a-b',
      'items=0-1',
      'bytes=0x1-2',
      'bytes= 0-1',
      'bytes=-',
      'bytes=1-2-3',
    ]) {
      expect(parseByteRange(header), String(header)).toBeNull();
    }
  });

  it('writes it back for the bucket', () => {
    expect(byteRangeHeader({ start: 3, end: undefined })).toBe('bytes=3-');
    expect(byteRangeHeader({ start: 3, end: 9 })).toBe('bytes=3-9');
    expect(byteRangeHeader({ suffix: 4 })).toBe('bytes=-4');
  });
});

describe('resolveByteRange', () => {
  it('clamps to the object and says when a range starts past its end', () => {
    expect(resolveByteRange({ start: 0, end: 99 }, 50)).toEqual({ start: 0, end: 49 });
    expect(resolveByteRange({ start: 10, end: undefined }, 50)).toEqual({ start: 10, end: 49 });
    expect(resolveByteRange({ suffix: 500 }, 50)).toEqual({ start: 0, end: 49 });
    expect(resolveByteRange({ suffix: 5 }, 50)).toEqual({ start: 45, end: 49 });
    expect(resolveByteRange({ start: 50, end: undefined }, 50)).toBeNull();
    expect(resolveByteRange({ suffix: 5 }, 0)).toBeNull();
  });
});
