import { describe, expect, it } from 'vitest';
import { formatBytes, formatMeter, formatSeconds } from './meter-units.js';
import { parseInstant, periodStarts, rangeProblem } from './periods.js';

const at = (iso: string) => new Date(iso);

describe('usage periods', () => {
  it('reads a month, a day or a date-time with its offset, and nothing else', () => {
    expect(parseInstant('2026-11')).toEqual(at('2026-11-01T00:00:00Z'));
    expect(parseInstant('2026-11-05')).toEqual(at('2026-11-05T00:00:00Z'));
    expect(parseInstant('2026-11-05T15:00:00+01:00')).toEqual(at('2026-11-05T14:00:00Z'));
    for (const bad of ['2026-13', '2026-02-29', '2026-11-05T14:00:00', '1700000000', 'now', '2026-11-05 14:00Z'])
      expect(parseInstant(bad), bad).toBeNull();
  });

  it('steps by calendar months and days in UTC', () => {
    expect(periodStarts(at('2026-01-01T00:00Z'), at('2026-04-01T00:00Z'), 'month').map((d) => d.toISOString().slice(0, 10))).toEqual([
      '2026-01-01',
      '2026-02-01',
      '2026-03-01',
    ]);
    expect(periodStarts(at('2026-02-27T00:00Z'), at('2026-03-02T00:00Z'), 'day')).toHaveLength(3);
    expect(periodStarts(at('2026-02-27T22:00Z'), at('2026-02-28T01:00Z'), 'hour')).toHaveLength(3);
  });

  it('takes the longest ranges and refuses one period more', () => {
    expect(rangeProblem(at('2026-01-01T00:00Z'), at('2026-02-01T00:00Z'), 'hour')).toBeNull();
    expect(rangeProblem(at('2026-01-01T00:00Z'), at('2026-02-01T01:00Z'), 'hour')?.field).toBe('to');
    expect(rangeProblem(at('2024-02-29T00:00Z'), at('2026-03-01T00:00Z'), 'day')).toBeNull();
    expect(rangeProblem(at('2024-02-29T00:00Z'), at('2026-03-02T00:00Z'), 'day')?.message).toBe('by day, at most 2 years after "from"');
    expect(rangeProblem(at('2024-11-01T00:00Z'), at('2026-11-01T00:00Z'), 'month')).toBeNull();
    expect(rangeProblem(at('2024-11-01T00:00Z'), at('2026-12-01T00:00Z'), 'month')?.field).toBe('to');
  });
});

describe('meter values for people', () => {
  it('writes bytes in decimal units, seconds as hours and minutes, byte-hours with their unit', () => {
    expect([formatBytes(999), formatBytes(1000), formatBytes(12_345_678), formatBytes(2.5e12)]).toEqual(['999 B', '1.00 KB', '12.3 MB', '2.50 TB']);
    expect([formatSeconds(59.4), formatSeconds(61), formatSeconds(90_061)]).toEqual(['59 s', '1 min 1 s', '25 h 1 min 1 s']);
    expect(formatMeter('stored_bytes', 7.2e11)).toBe('720 GB·h');
    expect(formatMeter('image_renders', 12_345)).toBe('12,345');
  });
});
