import { describe, expect, it } from 'vitest';
import { createVerifiedSignatures } from './verified-signatures.js';

describe('createVerifiedSignatures', () => {
  const path = 'p/1900000000/01920000-0000-7000-8000-000000000001';
  const signature = 'abcdefghijklmnopqrstuv';

  it('finds a signature only for the very record that verified it, and only until its end', () => {
    let now = 1_000;
    const verified = createVerifiedSignatures(10, () => now);
    const record = {};
    verified.add(record, path, signature, 2_000);
    expect(verified.has(record, path, signature)).toBe(true);
    // The same tenant read again (a new key, a revocation) is another record: verified anew.
    expect(verified.has({}, path, signature)).toBe(false);
    expect(verified.has(record, `${path}x`, signature)).toBe(false);
    expect(verified.has(record, path, `${signature.slice(1)}w`)).toBe(false);
    now = 2_000;
    expect(verified.has(record, path, signature)).toBe(false);
  });

  it('finds nothing for a signature sent with another path than the one it verified', () => {
    const verified = createVerifiedSignatures(10);
    const record = {};
    verified.add(record, path, signature, Number.POSITIVE_INFINITY);
    expect(verified.has(record, 'p/1900000000/01920000-0000-7000-8000-000000000002', signature)).toBe(false);
    expect(verified.has(record, path, signature)).toBe(true);
  });

  it('keeps at most its bound, the oldest leaving first (none at all for 0)', () => {
    const verified = createVerifiedSignatures(2);
    const record = {};
    const signatures = ['a', 'b', 'c'].map((letter) => letter.repeat(22));
    for (const each of signatures) verified.add(record, path, each, Number.POSITIVE_INFINITY);
    expect(signatures.map((each) => verified.has(record, path, each))).toEqual([false, true, true]);
    const none = createVerifiedSignatures(0);
    none.add(record, path, signature, Number.POSITIVE_INFINITY);
    expect(none.has(record, path, signature)).toBe(false);
  });
});
