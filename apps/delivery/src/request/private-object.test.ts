import { describe, expect, it } from 'vitest';
import { etagMatches } from './private-object.js';

describe('etagMatches', () => {
  it('compares weakly over a list, and takes * for any object', () => {
    const etag = '"0123abcd"';
    expect(etagMatches('"0123abcd"', etag)).toBe(true);
    expect(etagMatches('W/"0123abcd"', etag)).toBe(true);
    expect(etagMatches('"other", W/"0123abcd"', etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"other"', etag)).toBe(false);
    expect(etagMatches('0123abcd', etag)).toBe(false);
    expect(etagMatches('"0123abcd"', undefined)).toBe(false);
  });
});
