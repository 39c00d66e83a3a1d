import { createDatabase } from '@darkroom/db/client';
import { createRenderGate } from '@darkroom/media';
import {
  BUSY_RETRY_MS,
  createImportSlices,
  queueImportSlice,
  type ImportDeps,
  type ImportSlices,
  type SliceEnd,
  type SliceOptions,
} from '@darkroom/intake/imports';
import type { AssetQueue, ImportQueue } from '@darkroom/queue';
import type { WorkerDeps } from '../deps.js';
import type { EntryEnd } from '../lanes.js';
import { runEvery } from '../run-every.js';

/** How often a worker fails the paused imports past IMPORT_PAUSED_KEEP_DAYS (and once as it starts). */
const PAUSED_SWEEP_MS = 60 * 60 * 1000;

export interface RunningImports {
  slices: ImportSlices;
  /** Stops the slices under way where they are (their leases given back), the sweep, and the pool. */
  close(): Promise<void>;
}

/**
 * This worker's imports (IMPORT_SLOTS > 0): the slices' runner (@darkroom/intake's imports/slices.ts)
 * on deps of its own, a pool apart so that its files' queries never wait behind the renders', and
 * the sweep of paused imports whose keys are kept no longer.
 */
export function startImports(deps: WorkerDeps, assets: AssetQueue, options: SliceOptions = {}): RunningImports {
  const importDeps = createImportDeps(deps, assets);
  const slices = createImportSlices(importDeps, deps.log, options);
  const sweep = runEvery(deps, { intervalMs: PAUSED_SWEEP_MS, name: 'paused imports' }, () => slices.sweepPaused());
  return {
    slices,
    async close() {
      await sweep.stop();
      await slices.close();
      await importDeps.close();
    },
  };
}

/** What an import's run needs (@darkroom/intake's `ImportDeps`), from the worker's own, with a pool of its own. */
export function createImportDeps(deps: WorkerDeps, assets: AssetQueue): ImportDeps & { close(): Promise<void> } {
  const { config } = deps;
  const database = createDatabase({ url: config.databaseUrl, maxConnections: importConnections(config) });
  return {
    db: database.db,
    storage: deps.storage,
    queue: assets,
    audioProbes: createRenderGate({ maxPixels: 1, slots: config.intake.audioProbes, maxWaiting: 4 * config.intake.audioProbes }),
    secretBox: deps.secretBox,
    readiness: { storage: () => deps.storage.checkBucket({ bucket: config.storage.bucket }) },
    config: {
      databaseUrl: config.databaseUrl,
      storage: config.storage,
      imports: config.imports,
      jobMaxAttempts: config.jobMaxAttempts,
      usage: config.usage,
      uploads: {
        maxBytes: config.intake.maxBytes,
        acceptedContentTypes: config.intake.acceptedContentTypes,
        ttlMs: config.uploadTtlMs,
        audioMaxDurationSeconds: config.audio.maxDurationSeconds,
        copy: config.intake.copy,
      },
    },
    close: () => database.close(),
  };
}

/**
 * After a slice's entry ended: its import's next slice, at the back of the queue (its turn is
 * over), or once a lease could have lapsed (another process held it, or the slice stopped on an
 * unexpected error, its lease kept to lapse). An import that ended gets none.
 */
export async function queueNextSlice(deps: Pick<WorkerDeps, 'log' | 'db'>, queue: ImportQueue, importId: string, ended: EntryEnd<SliceEnd>) {
  if (!ended.failed && ended.result === 'ended') return;
  const delayMs = ended.failed || ended.result === 'busy' ? BUSY_RETRY_MS : 0;
  await queueImportSlice({ db: deps.db, importQueue: queue }, importId, delayMs).catch((err: unknown) => {
    // The reconciler queues a slice for every import under way that has none.
    deps.log.warn({ err: (err as Error).message, importId }, "could not queue an import's next slice; the reconciler will");
  });
}

/**
 * Connections of the imports' pool, as the API's runner had for its four imports: a slice's files
 * are written in batches (@darkroom/intake's import-recorder.ts), two at once at most, beside its
 * claims and the lookups of files held before, so IMPORT_CONCURRENCY connections, and two for the
 * slices' own, serve every slot (a query waits for a connection, never fails for want of one).
 */
const importConnections = (config: WorkerDeps['config']) => config.imports.concurrency + 2;
