import { describe, expect, it } from 'vitest';
import { byteRangeHeader, parseByteRange, parseRangeRequest, rangeHolds, resolveByteRange } from './byte-range.js';

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

describe('parseRangeRequest and rangeHolds (If-Range)', () => {
  const range = { start: 10, end: undefined };

  it('holds a range without If-Range whatever the object, and with one only for the object its strong ETag names', () => {
    const plain = parseRangeRequest({ range: 'bytes=10-' })!;
    expect(plain).toEqual({ range, ifRange: undefined });
    expect(rangeHolds(plain, '"a"')).toBe(true);
    const resumed = parseRangeRequest({ range: 'bytes=10-', 'if-range': ' "a" ' })!;
    expect(resumed).toEqual({ range, ifRange: '"a"' });
    expect(rangeHolds(resumed, '"a"')).toBe(true);
    expect(rangeHolds(resumed, '"b"')).toBe(false);
    expect(rangeHolds(resumed, 'W/"a"')).toBe(false);
    expect(rangeHolds(resumed, undefined)).toBe(false);
  });

  it('answers the whole object for an If-Range that can name none: a weak ETag, a date, anything else', () => {
    for (const ifRange of ['W/"a"', 'Wed, 21 Oct 2015 07:28:00 GMT', 'a', '"a", "b"', '']) {
      expect(parseRangeRequest({ range: 'bytes=10-', 'if-range': ifRange }), ifRange).toBeNull();
    }
    expect(parseRangeRequest({ 'if-range': '"a"' })).toBeNull();
    expect(parseRangeRequest({ range: 'bytes=0-1,4-5', 'if-range': '"a"' })).toBeNull();
  });
});
