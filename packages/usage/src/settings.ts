import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';

/** USAGE_*: read alike by the API, the worker and the delivery server (each app's config spreads them). */
export const usageEnvSettings = {
  /** `off`: nothing is metered and no quota enforced (the benchmarks' baseline, the same build). */
  USAGE_METERING: z.enum(['on', 'off']).default('on'),
  /** How often a process writes its in-memory counts; a delivery server killed loses at most this much of them. */
  USAGE_FLUSH_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
};

/** USAGE_SPOOL_DIR: the API's and the worker's (the delivery server does not spool). */
export const usageSpoolEnvSettings = {
  /**
   * Where the API and the worker append each count before it is flushed, so a killed process's
   * counts are written by the next one (docs/operations.md#the-spool-of-unflushed-counts). Made and checked at boot.
   */
  USAGE_SPOOL_DIR: z.string().refine(isAbsolute, 'must be an absolute path').default(join(tmpdir(), 'darkroom-usage-spool')),
};

export interface UsageConfig {
  /** USAGE_METERING=on. */
  metering: boolean;
  flushSeconds: number;
  /** USAGE_SPOOL_DIR, writable; null: this process does not spool (the delivery server, or metering off). */
  spoolDir: string | null;
}

/**
 * `mkdir -p`, by hand: Node's `recursive` retries for good where mkdir answers ENOENT under a parent
 * that exists (/proc), and a boot check must answer.
 */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    makeDir(dirname(dir));
    mkdirSync(dir);
  }
}

/** Makes the spool directory and writes a file in it: a process that could not spool refuses at boot, naming the setting. */
function checkSpoolDir(dir: string): void {
  const probe = join(dir, `.probe-${process.pid}`);
  try {
    makeDir(dir);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `USAGE_SPOOL_DIR=${dir} cannot be written (${code}): set it to a directory this user can create and write (docs/operations.md#the-spool-of-unflushed-counts)`,
    );
  }
}

export function usageConfigOf(e: { USAGE_METERING: 'on' | 'off'; USAGE_FLUSH_SECONDS: number; USAGE_SPOOL_DIR?: string }): UsageConfig {
  const metering = e.USAGE_METERING === 'on';
  const spoolDir = metering && e.USAGE_SPOOL_DIR !== undefined ? e.USAGE_SPOOL_DIR : null;
  if (spoolDir !== null) checkSpoolDir(spoolDir);
  return { metering, flushSeconds: e.USAGE_FLUSH_SECONDS, spoolDir };
}
