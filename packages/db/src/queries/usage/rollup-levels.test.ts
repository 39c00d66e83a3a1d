import { describe, expect, it } from 'vitest';
import { HOUR_MS, levelRows, type HeldRows } from './rollup-levels.js';

const h = (n: number) => n * HOUR_MS;
const none = (): HeldRows => ({ level: new Map(), peak: new Map() });
const table = (rows: ReturnType<typeof levelRows>) => Object.fromEntries(rows.map((r) => [`${r.meter}@${r.hour / HOUR_MS}`, Number(r.value)]));

describe('levelRows', () => {
  it('levels at the end of each hour, peaks within it (the opening included), up to the current hour', () => {
    const deltas = [
      { hour: h(1), bytes: 100n },
      { hour: h(1), bytes: -60n },
      { hour: h(3), bytes: -40n },
      { hour: h(3), bytes: 10n },
    ];
    expect(table(levelRows({ meter: 'stored_bytes', deltas, held: none(), before: 50n, current: h(4) }))).toEqual({
      'stored_bytes@1': 90,
      'stored_bytes_peak@1': 150,
      'stored_bytes@2': 90,
      'stored_bytes_peak@2': 90,
      'stored_bytes@3': 60,
      'stored_bytes_peak@3': 90,
      'stored_bytes@4': 60,
      'stored_bytes_peak@4': 60,
    });
  });

  it('a late delta moves its hour and the later ones; unchanged rows are not written again', () => {
    const held: HeldRows = {
      level: new Map([
        [h(1), 10n],
        [h(2), 10n],
        [h(3), 30n],
      ]),
      peak: new Map([
        [h(1), 10n],
        [h(2), 10n],
        [h(3), 40n],
      ]),
    };
    expect(table(levelRows({ meter: 'stored_bytes', deltas: [{ hour: h(2), bytes: 5n }], held, before: 0n, current: h(3) }))).toEqual({
      'stored_bytes@2': 15,
      'stored_bytes_peak@2': 15,
      'stored_bytes@3': 35,
      'stored_bytes_peak@3': 45,
    });
  });

  it('writes no peak for unbilled bytes, and no row where nothing was ever held', () => {
    const deltas = [
      { hour: h(0), bytes: 7n },
      { hour: h(0), bytes: -7n },
    ];
    expect(table(levelRows({ meter: 'stored_bytes_unbilled', deltas, held: none(), before: 0n, current: h(2) }))).toEqual({
      'stored_bytes_unbilled@0': 0,
    });
    // Held for a moment: the hour's peak says so.
    expect(table(levelRows({ meter: 'stored_bytes', deltas, held: none(), before: 0n, current: h(2) }))).toEqual({
      'stored_bytes@0': 0,
      'stored_bytes_peak@0': 7,
    });
  });

  it('writes a delta stamped past the current hour at its own hour', () => {
    const rows = table(levelRows({ meter: 'stored_bytes_unbilled', deltas: [{ hour: h(3), bytes: 1n }], held: none(), before: 4n, current: h(2) }));
    expect(rows).toEqual({ 'stored_bytes_unbilled@3': 5 });
  });
});
