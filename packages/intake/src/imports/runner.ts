import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ERRORS } from '@darkroom/core/error-factories';
import { claimImport, isImportWaiting } from '@darkroom/db/queries/import-claims';
import { createDatabase } from '@darkroom/db/client';
import { endImportsPausedPast } from '@darkroom/db/queries/import-ends';
import { type EventListener, listenForImportControls } from '@darkroom/db/listen';
import type { Import } from '@darkroom/db/import-schema';
import type { ImportDeps, ImportLog } from './deps.js';
import type { ImportPace } from './import-pace.js';
import { IMPORT_LEASE_MS } from './import-lease.js';
import { IMPORT_TURN_MS, TenantTurns } from './import-turns.js';
import { runImport } from './run-import.js';

/** How often an idle runner looks for an import to take (a new one is taken at once: `poke`). */
const POLL_MS = 1000;
/** Imports one process runs at once (each of another tenant: a tenant's run one after another), served by turns (import-turns.ts). */
const IMPORTS_AT_ONCE = 4;
/** How often a runner looks for paused imports past IMPORT_PAUSED_KEEP_DAYS (and once as it starts). */
const PAUSED_SWEEP_MS = 60 * 60 * 1000;

export interface ImportRunner {
  /** Looks for an import to take now (one was just started). */
  poke(): void;
  /** Stops taking imports, stops those under way where they are (their leases given back), and waits for them. */
  close(): Promise<void>;
}

export interface RunnerOptions {
  /** Keeps the runner to these tenants' imports (tests that share one database). */
  tenantIds?: () => readonly string[];
  /** Holds its transfers back while the API's own requests are late (the API's imports/runner-thread.ts). */
  pace?: ImportPace;
  /** A run's turn, IMPORT_TURN_MS unless given (tests). */
  turnMs?: number | undefined;
}

/**
 * The imports a process runs (the API's, IMPORT_RUNNER, on a thread of its own: its imports/runner-thread.ts): it
 * takes any import under way whose lease is free, from Postgres, so imports survive the loss of any
 * process and of Redis, IMPORTS_AT_ONCE at a time, round-robin by tenant (import-turns.ts). It
 * LISTENs for pauses and cancels, so a run stops the moment one is made, and fails the paused
 * imports whose keys it keeps no longer (IMPORT_PAUSED_KEEP_DAYS).
 */
export function startImportRunner(processDeps: ImportDeps, log: ImportLog, options: RunnerOptions = {}): ImportRunner {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // A pool of its own: its files' queries never wait behind requests, nor requests behind them.
  const database = createDatabase({ url: processDeps.config.databaseUrl, maxConnections: importConnections(processDeps) });
  const deps: ImportDeps = { ...processDeps, db: database.db };
  const stopping = new AbortController();
  const running = new Set<Promise<void>>();
  const turns = new TenantTurns();
  const controls = watchImportControls(deps, log);
  const scope = () => ({ tenantIds: options.tenantIds?.() });
  const turn = { ms: options.turnMs ?? IMPORT_TURN_MS, othersWaiting: () => isImportWaiting(deps.db, scope()) };
  let timer: NodeJS.Timeout | undefined;
  let looking = false;
  let sweptAt = 0;

  async function takeImports(): Promise<void> {
    if (looking || stopping.signal.aborted) return;
    looking = true;
    try {
      controls.listen();
      if (Date.now() - sweptAt >= PAUSED_SWEEP_MS) await sweepPaused();
      while (running.size < IMPORTS_AT_ONCE && !stopping.signal.aborted) {
        const claimed = await claimImport(deps.db, { owner, leaseMs: IMPORT_LEASE_MS, turns: turns.turns(), ...scope() });
        if (!claimed) break;
        turns.served(claimed.tenantId);
        run(claimed);
      }
    } catch (error) {
      log.warn({ err: error }, 'could not look for imports to run; trying again shortly');
    } finally {
      looking = false;
    }
  }

  async function sweepPaused(): Promise<void> {
    const days = deps.config.imports.pausedKeepDays;
    const ended = await endImportsPausedPast(deps.db, { days, error: ERRORS.sourceKeysExpired(days), ...scope() });
    sweptAt = Date.now();
    if (ended.length > 0) log.info({ importIds: ended, days }, 'paused imports past IMPORT_PAUSED_KEEP_DAYS failed, their keys deleted');
  }

  function run(claimed: Import): void {
    const context = {
      deps,
      log: log.child({ importId: claimed.id }),
      owner,
      stopSignal: stopping.signal,
      pace: options.pace,
      watchControls: controls.watch,
      turn,
    };
    const done = runImport(context, claimed)
      .catch((error: unknown) =>
        log.error({ err: error, importId: claimed.id }, 'an import stopped on an error; a runner takes it up again once its lease lapses'),
      )
      .finally(() => {
        running.delete(done);
        void takeImports();
      });
    running.add(done);
  }

  const schedule = () => {
    timer = setTimeout(() => void takeImports().finally(() => !stopping.signal.aborted && schedule()), POLL_MS);
    timer.unref();
  };
  schedule();
  void takeImports();

  return {
    poke: () => void takeImports(),
    async close() {
      stopping.abort(new Error('the runner is stopping'));
      clearTimeout(timer);
      await Promise.allSettled([...running]);
      await controls.close();
      await database.close();
    },
  };
}

/**
 * The runner's LISTEN for pauses and cancels (`notifyImportControl`), started with the runner and
 * tried again on each look for imports until it is up (Postgres away at boot); each run watches its
 * own import's id.
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

/**
 * Connections of the runner's pool: a run's files are written in batches (@darkroom/intake's import-recorder.ts), two at
 * once at most, beside its claims and the lookups of files held before, so one connection per file
 * moving bytes of one import, and two for the runs' own, serve them all.
 */
const importConnections = (deps: ImportDeps) => deps.config.imports.concurrency + 2;
