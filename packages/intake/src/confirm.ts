import { insertJob } from '@darkroom/db/queries/jobs';
import { recordImportBatch, type ImportedAsset, type ItemOutcome, type RecordedImport } from '@darkroom/db/queries/import-records';
import { transitionAsset } from '@darkroom/db/queries/assets';
import { recordWork, uploadUsage } from '@darkroom/db/queries/usage';
import type { Asset, Job, NewAsset } from '@darkroom/db/schema';
import type { Executor } from '@darkroom/db/client';
import type { IntakeDeps, IntakeLog } from './deps.js';
import { enqueueAfterCommit } from './enqueue-after-commit.js';

/**
 * Where an asset becomes `queued`: its original is in place and checked, and in the caller's
 * transaction its row turns `queued` with `asset.uploaded` (db's transitionAsset writes the event)
 * and its job; after the commit `afterConfirm` queues the job. An upload's confirm
 * (confirm-upload.ts) takes one asset at a time, an import's (`confirmImported`) a batch of them.
 * What must happen to every asset confirmed (moderation, usage) belongs beside these two.
 */

export interface Confirmed {
  asset: Asset;
  job: Job;
}

/**
 * One asset still awaiting its upload, under its row lock (the caller's transaction): `queued`, with
 * what the checks of its bytes found (`set`: an audio file's probe), its job, and its upload metered
 * (sent with the job's insert: no round trip more). Null when it no longer awaits its upload.
 */
export async function confirmAsset(
  deps: Pick<IntakeDeps, 'config'>,
  tx: Executor,
  params: { asset: Pick<Asset, 'id' | 'tenantId'>; set?: Partial<NewAsset> | null | undefined },
): Promise<Confirmed | null> {
  const { asset } = params;
  const set = { uploadId: null, ...(params.set ?? {}) };
  const moved = await transitionAsset(tx, { id: asset.id, from: ['awaiting_upload'], to: 'queued', set });
  if (!moved) return null;
  const [job] = await Promise.all([
    insertJob(tx, { assetId: asset.id, tenantId: asset.tenantId, kind: 'process', maxAttempts: deps.config.jobMaxAttempts }),
    recordWork(tx, uploadUsage(moved), deps.config.usage.metering),
  ]);
  return { asset: moved, job };
}

/**
 * Imported files' assets, a batch in one transaction (db's recordImportBatch: each row inserted
 * `queued` with its event and its job on the backfill lane, and the items' outcomes with their
 * import's counts, all of it metered), then their jobs queued.
 */
export async function confirmImported(
  deps: Pick<IntakeDeps, 'db' | 'queue' | 'config'>,
  log: IntakeLog,
  batch: { assets: ImportedAsset[]; outcomes: ItemOutcome[] },
): Promise<{ assets: RecordedImport[]; recorded: boolean[] }> {
  const written = await recordImportBatch(deps.db, { ...batch, maxAttempts: deps.config.jobMaxAttempts, metering: deps.config.usage.metering });
  await afterConfirm(
    deps,
    log,
    written.assets.flatMap((r) => (r.job ? [r.job] : [])),
  );
  return written;
}

/** After the commit: the confirmed assets' jobs queued (a Redis outage leaves them to the reconciler). */
export async function afterConfirm(deps: Pick<IntakeDeps, 'queue'>, log: IntakeLog, jobs: Job[]): Promise<void> {
  if (jobs.length > 0) await enqueueAfterCommit(deps, log, jobs);
}
