/**
 * One row of `npm run bench`'s table. Every figure is measured in the same run, on the same machine,
 * as its baseline: the ratio is what means something, the absolute numbers only say which machine.
 */
export interface BenchRow {
  metric: string;
  /** Darkroom's figure, formatted with its unit (e.g. `4210 req/s`, `312 MB`). */
  darkroom: string;
  /** The baseline's figure in the same unit, or `—` when the goal is absolute. */
  baseline: string;
  /** darkroom ÷ baseline (or the other way round where lower is better), e.g. `0.82×`; `—` if none. */
  ratio: string;
  /** The goal for this metric, e.g. `≥ 0.70×`, `≤ 350 MB`, or `—` for figures printed only. */
  goal: string;
  /** `yes`, `no`, or `—` for figures printed only. */
  met: 'yes' | 'no' | '—';
}

export const ratio = (value: number) => `${value.toFixed(2)}×`;

/** The median of `runs` timings of `work` in ms, after one run to warm up (plans, pages and caches, as in a running service). */
export async function medianMsAfterWarmUp(runs: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** A row from its figures: `value` the ratio (null: none), `met` whether the goal is met (null: no goal). */
export const row = (metric: string, darkroom: string, baseline: string, value: number | null, goal: string, met: boolean | null): BenchRow => ({
  metric,
  darkroom,
  baseline,
  ratio: value === null ? '—' : ratio(value),
  goal,
  met: met === null ? '—' : met ? 'yes' : 'no',
});

/** Prints rows as one aligned plain-text table (also valid Markdown). */
export function printTable(rows: BenchRow[]): void {
  const columns: (keyof BenchRow)[] = ['metric', 'darkroom', 'baseline', 'ratio', 'goal', 'met'];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => row[c])));
}
