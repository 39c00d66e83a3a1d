import type { Import } from '../types.js';
import { barLine, logLine, RateMeter } from './import-view.js';

/** Where progress goes: the process's stderr, or a test's recorder. */
export interface Terminal {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** A log gets a line this often while nothing else changes (a status change gets one at once). */
export const LOG_EVERY_MS = 5000;
const CLEAR_TO_END = '\u001b[K';

export interface ImportDisplay {
  /** The import as it is now. */
  update(imp: Import): void;
  /** The last state, and the line ended, before the summary (or a message) is written. */
  finish(): void;
}

/**
 * An import's progress as it goes: in a terminal, one line redrawn in place (status, bar, counts,
 * bytes, rate); elsewhere (a log, a pipe), a line every LOG_EVERY_MS and at each change of status.
 */
export function createDisplay(out: Terminal, now: () => number = Date.now): ImportDisplay {
  const meter = new RateMeter();
  let latest: Import | null = null;
  let logged: { at: number; status: string; imp: Import } | null = null;
  let open = false;
  // A terminal that reports no width (0: a pseudo-terminal never sized) is taken as a common one.
  const draw = (imp: Import) => {
    out.write(`\r${barLine(imp, meter.rate(), out.columns || 120)}${CLEAR_TO_END}`);
    open = true;
  };
  const log = (imp: Import, at: number) => {
    out.write(`${logLine(imp, meter.rate(), new Date(at))}\n`);
    logged = { at, status: imp.status, imp };
  };
  return {
    update(imp) {
      const at = now();
      latest = imp;
      meter.add(imp, at);
      if (out.isTTY) return draw(imp);
      if (!logged || logged.status !== imp.status || at - logged.at >= LOG_EVERY_MS) log(imp, at);
    },
    finish() {
      if (out.isTTY) {
        if (latest) draw(latest);
        if (open) out.write('\n');
        open = false;
      } else if (latest && logged?.imp !== latest) log(latest, now());
    },
  };
}
