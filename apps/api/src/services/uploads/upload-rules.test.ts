import { describe, expect, it } from 'vitest';
import { choosePartSize, exceedsDepth, normalizeContentType } from './upload-rules.js';
import { MiB } from '@darkroom/core/limits';

describe('exceedsDepth', () => {
  it('counts nesting of objects and arrays alike', () => {
    expect(exceedsDepth({ a: 1 }, 1)).toBe(false);
    expect(exceedsDepth({ a: { b: 1 } }, 1)).toBe(true);
    expect(exceedsDepth({ a: [[1]] }, 2)).toBe(true);
    expect(exceedsDepth({ a: [[1]] }, 3)).toBe(false);
  });

  it('walks a value nested far deeper than the stack would allow a recursive walk', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    expect(exceedsDepth(deep, 10)).toBe(true);
  });
});

describe('choosePartSize', () => {
  it('keeps the configured size unless the file would need more than 10,000 parts', () => {
    expect(choosePartSize(100 * MiB, 16 * MiB)).toBe(16 * MiB);
    expect(choosePartSize(200_000 * MiB, 16 * MiB)).toBe(20 * MiB);
  });
});

describe('normalizeContentType', () => {
  it('drops parameters and case', () => {
    expect(normalizeContentType(' Image/JPEG; charset=x')).toBe('image/jpeg');
  });
});
