import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ERRORS } from '@darkroom/core/error-factories';
import { claimImport, isImportWaiting } from '@darkroom/db/queries/import-claims';
import { endImportsPausedPast } from '@darkroom/db/queries/import-ends';
import { getImport } from '@darkroom/db/queries/imports';
import { type EventListener, listenForImportControls } from '@darkroom/db/listen';
import type { ImportDeps, ImportLog } from './deps.js';
import { IMPORT_LEASE_MS } from './import-lease.js';
import { IMPORT_TURN_MS } from './import-turns.js';
import { runImport } from './run-import.js';

/**
 * What became of an import after a slice: `ended` (done, failed, canceled or paused: no next
 * slice), `yielded` (its turn is over, or the process is stopping: its next slice goes to the back
 * of the queue), or `busy` (another process holds its lease, or another import of its tenant runs:
 * tried again once a lease could have lapsed).
 */
export type SliceEnd = 'ended' | 'yielded' | 'busy';

export interface ImportSlices {
  /** Runs the import for one turn while this process holds its lease (one queue entry's work). */
  run(importId: string): Promise<SliceEnd>;
  /** Fails the paused imports past IMPORT_PAUSED_KEEP_DAYS, their keys deleted (a worker's sweep). */
  sweepPaused(): Promise<void>;
  /** Stops the slices under way where they are (their leases given back), and closes the LISTEN. */
  close(): Promise<void>;
}

export interface SliceOptions {
  /** Keeps this process to these tenants' imports (tests that share one database). */
  tenantIds?: (() => readonly string[]) | undefined;
  /** A slice's turn, IMPORT_TURN_MS unless given (tests). */
  turnMs?: number | undefined;
}

/** How long a busy import's next slice waits: a lease whose holder died has lapsed by then. */
export const BUSY_RETRY_MS = IMPORT_LEASE_MS;

/**
 * The imports a worker runs, a slice at a time (docs/design/imports.md#slices): each queue entry
 * claims its import's lease in Postgres, which is what keeps an import to one process at a time and
 * a tenant's imports one after another, and runs it until it is done, or for a turn of
 * IMPORT_TURN_MS while another import waits. The state stays in Postgres, so an import survives the
 * loss of any process and of Redis. A LISTEN for pauses and cancels cuts a slice at once.
 */
export function createImportSlices(deps: ImportDeps, log: ImportLog, options: SliceOptions = {}): ImportSlices {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const stopping = new AbortController();
  const controls = watchImportControls(deps, log);
  const scope = () => ({ tenantIds: options.tenantIds?.() });
  const turn = { ms: options.turnMs ?? IMPORT_TURN_MS, othersWaiting: () => isImportWaiting(deps.db, scope()) };
  const running = new Set<Promise<unknown>>();

  async function run(importId: string): Promise<SliceEnd> {
    if (stopping.signal.aborted) return 'yielded';
    controls.listen();
    const claimed = await claimImport(deps.db, { owner, leaseMs: IMPORT_LEASE_MS, importId, ...scope() });
    if (!claimed) return (await isUnderWay(deps, importId)) ? 'busy' : 'ended';
    const context = { deps, log: log.child({ importId }), owner, stopSignal: stopping.signal, watchControls: controls.watch, turn };
    const slice = runImport(context, claimed).catch((error: unknown) => {
      log.error({ err: error, importId }, 'an import stopped on an error; its next slice takes it up once its lease lapses');
      throw error;
    });
    running.add(slice);
    try {
      await slice;
    } finally {
      running.delete(slice);
    }
    return (await isUnderWay(deps, importId)) ? 'yielded' : 'ended';
  }

  return {
    run,
    async sweepPaused() {
      const days = deps.config.imports.pausedKeepDays;
      const ended = await endImportsPausedPast(deps.db, { days, error: ERRORS.sourceKeysExpired(days), ...scope() });
      if (ended.length > 0) log.info({ importIds: ended, days }, 'paused imports past IMPORT_PAUSED_KEEP_DAYS failed, their keys deleted');
    },
    async close() {
      stopping.abort(new Error('the process is stopping'));
      await Promise.allSettled([...running]);
      await controls.close();
    },
  };
}

const isUnderWay = async (deps: ImportDeps, id: string) => {
  const row = await getImport(deps.db, { id });
  return row?.status === 'planning' || row?.status === 'running';
};

/**
 * The process's LISTEN for pauses and cancels (`notifyImportControl`), tried again at each slice
 * until it is up (Postgres away at boot); each slice watches its own import's id.
 */
function watchImportControls(deps: ImportDeps, log: ImportLog) {
  const watchers = new Map<string, () => void>();
  let listener: Promise<EventListener | null> | null = null;
  const listen = () => {
    listener ??= listenForImportControls(deps.config.databaseUrl, (id) => watchers.get(id)?.()).catch((error: unknown) => {
      log.warn({ err: error }, 'could not LISTEN for paused and canceled imports; lease renewals see them meanwhile');
      listener = null;
      return null;
    });
  };
  return {
    listen,
    watch(importId: string, onControl: () => void) {
      watchers.set(importId, onControl);
      return () => watchers.delete(importId);
    },
    async close() {
      await (await listener)?.close().catch(() => {});
    },
  };
}
