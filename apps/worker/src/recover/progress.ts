import type { RecoverReport } from './recover.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

const BAR_WIDTH = 24;
/** A terminal's line is redrawn at most this often; a log gets a line this often. */
const TTY_EVERY_MS = 100;
const PLAIN_EVERY_MS = 5_000;

export const rebuiltOf = (r: RecoverReport) => r.relinked + r.partial + r.queued + r.rejected;

/** The figures of a report in one line: `1200/5000 originals · 800 rebuilt (620/s) · …`. */
export function progressFigures(report: RecoverReport, total: number | null, elapsedMs: number): string {
  const rate = Math.round(rebuiltOf(report) / Math.max(elapsedMs / 1000, 0.001));
  const seen = total === null ? `${report.seen} originals` : `${report.seen}/${total} originals`;
  return `${seen} · ${rebuiltOf(report)} rebuilt (${rate}/s): ${report.relinked} re-linked, ${report.partial} partly, ${report.queued} to render, ${report.rejected} rejected · ${report.known} known · ${report.undescribed} undescribed`;
}

export function progressBar(done: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, Math.floor((done / total) * BAR_WIDTH));
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}%`;
}

/**
 * Progress of a run: in a terminal, a bar redrawn in place; elsewhere (a log, a pipe), a plain
 * line every few seconds, so a log stays readable.
 */
export function createProgress(stream: ProgressStream, total: number | null, now: () => number = Date.now) {
  const started = now();
  let shown = 0;
  const line = (report: RecoverReport) => {
    const figures = progressFigures(report, total, now() - started);
    return stream.isTTY && total !== null ? `${progressBar(report.seen, total)} ${figures}` : figures;
  };
  return {
    update(report: RecoverReport) {
      const at = now();
      if (at - shown < (stream.isTTY ? TTY_EVERY_MS : PLAIN_EVERY_MS)) return;
      shown = at;
      if (stream.isTTY) stream.write(`\r${line(report).slice(0, (stream.columns ?? 200) - 1)}\u001b[K`);
      else stream.write(`recover: ${line(report)}\n`);
    },
    finish(report: RecoverReport) {
      stream.write(stream.isTTY ? `\r${line(report)}\u001b[K\n` : `recover: ${line(report)}\n`);
    },
  };
}
