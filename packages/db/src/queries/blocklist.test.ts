import { describe, expect, it } from 'vitest';
import { hashParts, MAX_LOOKUP_DISTANCE, PART_BITS, valuesWithin } from './blocklist.js';

const bitsSet = (n: number): number => n.toString(2).replaceAll('0', '').length;

describe('hashParts', () => {
  it('cuts the 64 bits into 21, 21 and 22, unsigned, which put back make the hash', () => {
    for (const hash of [0n, -1n, 1n, BigInt.asIntN(64, 1n << 63n), 0x123456789abcdef0n, -0x123456789abcdefn]) {
      const [p0, p1, p2] = hashParts(hash);
      expect(p0 < 2 ** 21 && p1 < 2 ** 21 && p2 < 2 ** 22 && p0 >= 0 && p1 >= 0 && p2 >= 0).toBe(true);
      expect(BigInt.asIntN(64, BigInt(p0) | (BigInt(p1) << 21n) | (BigInt(p2) << 42n))).toBe(hash);
    }
    expect(hashParts(-1n)).toEqual([2 ** 21 - 1, 2 ** 21 - 1, 2 ** 22 - 1]);
    expect(PART_BITS.reduce((a: number, b) => a + b, 0)).toBe(64);
  });
});

describe('valuesWithin', () => {
  it('lists each value within the radius once', () => {
    const value = 0b1011_0110_0101_1100_1010_1;
    for (const [radius, expected] of [
      [0, 1],
      [1, 22],
      [2, 232],
      [3, 1562],
    ] as const) {
      const values = valuesWithin(value, 21, radius);
      expect(values).toHaveLength(expected);
      expect(new Set(values).size).toBe(expected);
      expect(values.every((v) => v >= 0 && v < 2 ** 21 && bitsSet(v ^ value) <= radius)).toBe(true);
    }
    expect(valuesWithin(0, PART_BITS[2], 2)).toHaveLength(1 + 22 + 231);
    expect(Math.floor(MAX_LOOKUP_DISTANCE / 3)).toBe(3);
  });
});
