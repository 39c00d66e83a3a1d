/**
 * The stored-bytes levels of usage_hourly, computed from a batch of ledger deltas (pure: rollup.ts
 * reads the rows it needs and writes what this answers). A delta is a change of bytes held; a level
 * row is what was held at the end of its hour, so a delta moves its own hour's row and every later
 * one, up to the current hour: a late event (committed after its hour was rolled) lands where it
 * belongs. Within one hour, a batch's deltas count as coming after those rolled before (the peak
 * of an hour with a late, interleaved event can be off by that event; its level cannot).
 */

export const HOUR_MS = 3_600_000;

/** The level meters an event moves; `stored_bytes_peak` is derived from the billed one. */
export type HeldMeter = 'stored_bytes' | 'stored_bytes_unbilled';

export interface LevelDelta {
  /** The hour it counts in (ms, already clamped to the hours kept). */
  hour: number;
  bytes: bigint;
}

/** What usage_hourly holds already for one tenant and meter, by hour (ms): the level, and the peak for the billed meter. */
export interface HeldRows {
  level: Map<number, bigint>;
  peak: Map<number, bigint>;
}

export interface LevelRow {
  hour: number;
  meter: HeldMeter | 'stored_bytes_peak';
  value: bigint;
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/**
 * The rows of one tenant's meter, from its first delta's hour to `current`, after `deltas` (in
 * order of time; each hour no older than the oldest kept). `before` is the level at the end of the hour before the first delta's. Rows
 * that would say nothing (none yet, nothing held, no peak) are left out; so are unchanged ones.
 */
export function levelRows(input: { meter: HeldMeter; deltas: readonly LevelDelta[]; held: HeldRows; before: bigint; current: number }): LevelRow[] {
  const { meter, deltas, held, current } = input;
  const rows: LevelRow[] = [];
  if (deltas.length === 0) return rows;
  let carry = input.before;
  let moved = 0n;
  let next = 0;
  // To the current hour, or past it for an event stamped later (another host's clock).
  const last = Math.max(current, deltas[deltas.length - 1]!.hour);
  for (let hour = deltas[0]!.hour; hour <= last; hour += HOUR_MS) {
    const pre = held.level.get(hour) ?? carry;
    carry = pre;
    const movedBefore = moved;
    let highest = 0n;
    for (; next < deltas.length && deltas[next]!.hour === hour; next++) {
      moved += deltas[next]!.bytes;
      highest = max(highest, moved - movedBefore);
    }
    const level = pre + moved;
    const oldPeak = held.peak.get(hour);
    const shifted = oldPeak === undefined ? undefined : oldPeak + movedBefore;
    const peak = max(shifted ?? level, pre + movedBefore + highest);
    const known = held.level.has(hour);
    if (!known && level === 0n && peak === 0n) continue;
    if (held.level.get(hour) !== level) rows.push({ hour, meter, value: level });
    if (meter === 'stored_bytes' && oldPeak !== peak) rows.push({ hour, meter: 'stored_bytes_peak', value: peak });
  }
  return rows;
}
