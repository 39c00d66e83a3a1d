import { getImport } from '@darkroom/db/queries/imports';
import { renewImportLease } from '@darkroom/db/queries/import-claims';
import type { Import } from '@darkroom/db/import-schema';
import type { ImportDeps, ImportLog } from './deps.js';

/**
 * How long a runner's hold on an import lasts unless renewed (holdLease renews it a third of the
 * way): the longest an import waits after the process running it died before another takes it up,
 * and how long one whose run ended on an unexpected error waits before any runner tries it again.
 */
export const IMPORT_LEASE_MS = 15_000;

/** Tells the run of an import that it was paused or canceled (runner.ts listens for it); returns how to stop listening. */
export type WatchControls = (importId: string, onControl: () => void) => () => void;

export interface LeaseContext {
  deps: ImportDeps;
  log: ImportLog;
  /** This runner's name on the leases it holds. */
  owner: string;
  /** Told of a pause or cancel at once; without it, the renewal alone sees one. */
  watchControls?: WatchControls | undefined;
}

export interface Lease {
  /** The import as the last renewal (or progress read) found it. */
  current(): Import;
  refresh(row: Import | undefined): void;
  stop(): void;
}

/**
 * Holds the import's lease while it runs: renewed a third of the way through; a lost lease, a pause
 * or a cancel aborts `stop`, so the run and its transfers stop where they are. A pause or cancel is
 * seen the moment it is made (`watchControls`), else at the next renewal.
 */
export function holdLease(run: LeaseContext, claimed: Import, stop: AbortController): Lease {
  let current = claimed;
  const check = (row: Import | undefined) => {
    if (!row) return stop.abort(new Error('the lease was lost'));
    current = row;
    if (row.status !== 'planning' && row.status !== 'running') stop.abort(new Error(`the import is ${row.status}`));
  };
  const timer = setInterval(() => {
    renewImportLease(run.deps.db, { id: claimed.id, owner: run.owner, leaseMs: IMPORT_LEASE_MS }).then(check, (error: unknown) =>
      run.log.warn({ err: error }, "could not renew an import's lease; trying again"),
    );
  }, IMPORT_LEASE_MS / 3);
  timer.unref();
  const onControl = () =>
    void getImport(run.deps.db, { id: claimed.id }).then(check, (error: unknown) =>
      run.log.warn({ err: error }, 'could not read an import that was paused or canceled; its lease renewal will'),
    );
  const unwatch = run.watchControls?.(claimed.id, onControl);
  return {
    current: () => current,
    refresh: check,
    stop: () => {
      clearInterval(timer);
      unwatch?.();
    },
  };
}
