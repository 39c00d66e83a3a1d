import { METERS, type Meter } from '@darkroom/core/contract/usage';
import { combineUsage, type UsageValue } from '@darkroom/db/queries/usage';
import { formatMeter, METER_UNITS, type MeterUnit } from '../services/usage/meter-units.js';

/** One meter's month: its total (sum; the largest for the peak) and the day it was largest. */
export interface MeterMonth {
  meter: Meter;
  unit: MeterUnit;
  total: number;
  peakDay: { day: string; value: number } | null;
}

/** A month's daily rows as one line a meter, every meter (0 where nothing was counted). */
export function monthByMeter(days: readonly UsageValue[]): MeterMonth[] {
  return METERS.map((meter) => {
    let total = 0;
    let peakDay: MeterMonth['peakDay'] = null;
    for (const row of days) {
      if (row.meter !== meter) continue;
      total = combineUsage(meter, total, row.value);
      if (row.value > 0 && (!peakDay || row.value > peakDay.value)) peakDay = { day: row.at.toISOString().slice(0, 10), value: row.value };
    }
    return { meter, unit: METER_UNITS[meter], total, peakDay };
  });
}

const exact = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 3 }));

/**
 * The month for an operator at a terminal, within 100 columns: meters as rows, and as columns the
 * unit, the month's total for people and exactly, and the day it was largest (days as columns
 * would be 31 wide). Meters that counted nothing are listed too, dimmed by a dash.
 */
export function usageTable(title: string, months: readonly MeterMonth[]): string {
  const head = ['meter', 'unit', 'month', 'exact', 'largest day', 'that day'];
  const rows = months.map((m) => [
    m.meter,
    m.unit,
    m.total === 0 ? '-' : formatMeter(m.meter, m.total),
    exact(m.total),
    m.peakDay?.day ?? '-',
    m.peakDay ? formatMeter(m.meter, m.peakDay.value) : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Text left, figures right: columns of numbers line up on their last digit.
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < 2 || i === 4 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [title, '', line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''].join('\n');
}
