import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('makes version 7 UUIDs that sort in the order they were made, each one new, across many buffer refills', () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The first 48 bits are the time in ms.
    expect(Math.abs(parseInt(ids.at(-1)!.replace('-', '').slice(0, 12), 16) - Date.now())).toBeLessThan(5000);
  });
});
