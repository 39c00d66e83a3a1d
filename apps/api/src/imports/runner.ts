import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { claimImport, createDatabase, type Import } from '@darkroom/db';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';
import type { ImportPace } from './import-pace.js';
import { IMPORT_LEASE_MS, runImport } from './run-import.js';

/** How often an idle runner looks for an import to take (a new one is taken at once: `poke`). */
const POLL_MS = 1000;
/** Imports one process runs at once (each of another tenant: a tenant's run one after another). */
const IMPORTS_AT_ONCE = 4;

export interface ImportRunner {
  /** Looks for an import to take now (one was just started). */
  poke(): void;
  /** Stops taking imports, stops those under way where they are (their leases given back), and waits for them. */
  close(): Promise<void>;
}

/**
 * The imports this API process runs (IMPORT_RUNNER; on a thread of its own: runner-thread.ts): it
 * takes any import under way whose lease is free, from Postgres, so imports survive the loss of any
 * process and of Redis. `tenantIds` keeps it to those tenants' imports (tests that share one database);
 * `pace` holds its transfers back while the API's own requests are late (runner-thread.ts).
 */
export function startImportRunner(
  apiDeps: AppDeps,
  log: FastifyBaseLogger,
  options: { tenantIds?: () => readonly string[]; pace?: ImportPace } = {},
): ImportRunner {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // A pool of its own: its files' queries never wait behind requests, nor requests behind them.
  const database = createDatabase({ url: apiDeps.config.databaseUrl, maxConnections: importConnections(apiDeps) });
  const deps: AppDeps = { ...apiDeps, db: database.db };
  const stopping = new AbortController();
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let looking = false;

  async function takeImports(): Promise<void> {
    if (looking || stopping.signal.aborted) return;
    looking = true;
    try {
      while (running.size < IMPORTS_AT_ONCE && !stopping.signal.aborted) {
        const claimed = await claimImport(deps.db, { owner, leaseMs: IMPORT_LEASE_MS, tenantIds: options.tenantIds?.() });
        if (!claimed) break;
        run(claimed);
      }
    } catch (error) {
      log.warn({ err: error }, 'could not look for imports to run; trying again shortly');
    } finally {
      looking = false;
    }
  }

  function run(claimed: Import): void {
    const done = runImport({ deps, log: log.child({ importId: claimed.id }), owner, stopSignal: stopping.signal, pace: options.pace }, claimed)
      .catch((error: unknown) => log.error({ err: error, importId: claimed.id }, 'an import stopped on an error; another pass takes it up again'))
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
      stopping.abort(new Error('the API is stopping'));
      clearTimeout(timer);
      await Promise.allSettled([...running]);
      await database.close();
    },
  };
}

/**
 * Connections of the runner's pool: a run's files are written in batches (import-recorder.ts), two at
 * once at most, beside its claims and the lookups of files held before, so one connection per file
 * moving bytes of one import, and two for the runs' own, serve them all.
 */
const importConnections = (deps: AppDeps) => deps.config.imports.concurrency + 2;
