import type { Import, ImportItem } from '../types.js';

/** How an import's progress and end read in a terminal or a log (import-display.ts decides when). */

export const formatCount = (n: number) => n.toLocaleString('en-US');

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const settledOf = (imp: Import) => imp.counts.imported + imp.counts.skipped + imp.counts.failed;

export interface Rate {
  files: number;
  bytes: number;
}

/** Files settled and bytes brought in per second, over the last RATE_WINDOW_MS of what was seen. */
const RATE_WINDOW_MS = 10_000;

export class RateMeter {
  private samples: { at: number; files: number; bytes: number }[] = [];

  add(imp: Import, at: number): void {
    this.samples.push({ at, files: settledOf(imp), bytes: imp.counts.bytes });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= RATE_WINDOW_MS) this.samples.shift();
  }

  /** Null until a second has passed between the first sample kept and the last. */
  rate(): Rate | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 1000) return null;
    const seconds = (last.at - first.at) / 1000;
    return { files: (last.files - first.files) / seconds, bytes: (last.bytes - first.bytes) / seconds };
  }
}

/** `412/1,000 · 400 imported · 10 skipped · 2 failed · 1.2 GiB · 35.1 files/s, 12.3 MiB/s` */
export function progressFigures(imp: Import, rate: Rate | null): string {
  const { found, imported, skipped, failed, bytes } = imp.counts;
  const figures = [
    `${formatCount(settledOf(imp))}/${formatCount(found)}`,
    `${formatCount(imported)} ${imp.dryRun ? 'to import' : 'imported'}`,
    `${formatCount(skipped)} skipped`,
    `${formatCount(failed)} failed`,
    formatBytes(bytes),
  ];
  if (rate) figures.push(`${rate.files.toFixed(1)} files/s, ${formatBytes(Math.round(rate.bytes))}/s`);
  return figures.join(' · ');
}

const BAR_CELLS = 20;

/** A terminal's one line, cut to its width: `running [########............]  41% 412/1,000 · …` */
export function barLine(imp: Import, rate: Rate | null, columns: number): string {
  const { found } = imp.counts;
  const share = found === 0 ? 0 : Math.min(1, settledOf(imp) / found);
  const cells = Math.floor(share * BAR_CELLS);
  const bar = `[${'#'.repeat(cells)}${'.'.repeat(BAR_CELLS - cells)}] ${String(Math.floor(share * 100)).padStart(3)}%`;
  return `${imp.status.padEnd(8)} ${bar} ${progressFigures(imp, rate)}`.slice(0, Math.max(columns - 1, 20));
}

/** A log's line: `2026-03-01T10:00:05.000Z import 0193… running: 412/1,000 · …` */
export function logLine(imp: Import, rate: Rate | null, at: Date): string {
  return `${at.toISOString()} import ${imp.id} ${imp.status}: ${progressFigures(imp, rate)}`;
}

/** What an import that ended comes to, in a sentence or two. */
export function summaryLines(imp: Import, now: number): string[] {
  const { found, imported, skipped, failed, bytes } = imp.counts;
  const took = formatDuration((imp.finishedAt ? Date.parse(imp.finishedAt) : now) - Date.parse(imp.createdAt));
  const [n, i, s, f] = [found, imported, skipped, failed].map(formatCount);
  if (imp.status === 'failed') {
    return [
      `Import ${imp.id} failed after ${took}: ${imp.error?.code}: ${imp.error?.message}`,
      `It had found ${n}: ${i} imported, ${s} skipped, ${f} failed.`,
    ];
  }
  if (imp.status === 'canceled')
    return [`Import ${imp.id} was canceled after ${took}: of ${n} found, ${i} imported (they stay), ${s} skipped, ${f} failed.`];
  if (imp.dryRun) {
    return [
      `Dry run ${imp.id} done in ${took}: of ${n} found, ${i} would be imported (${formatBytes(bytes)}), ${s} skipped (already imported), ${f} would fail.`,
    ];
  }
  return [`Import ${imp.id} done in ${took}: of ${n} found, ${i} imported (${formatBytes(bytes)}), ${s} skipped (already imported), ${f} failed.`];
}

/** A failed item: its source (a URL without its signature, or bucket/key), then why, in the API's words. */
export function failureLines(item: ImportItem): string[] {
  return [`  ${item.source}`, `    ${item.error?.code ?? 'failed'}: ${item.error?.message ?? 'no reason given'}`];
}
