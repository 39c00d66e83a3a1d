import { findAssetsWithoutFaces, openJobIds } from '@darkroom/db/queries/faces';
import { insertJobsUnlessOpen } from '@darkroom/db/queries/jobs';
import type { Job } from '@darkroom/db/schema';
import type { AssetQueue } from '@darkroom/queue';
import { getTenant } from '@darkroom/db/queries/tenants';
import { z } from 'zod';
import type { WorkerDeps } from '../deps.js';

export interface FacesBackfillOptions {
  /** One tenant's assets only; unset: every tenant's. */
  tenantId?: string | undefined;
  /** At most this many of its jobs open (queued or running) at once: the bound on its Redis entries. */
  window: number;
  /** How long to wait between looks at its open jobs. */
  pollMs: number;
  /** Count the assets, queue nothing. */
  dryRun: boolean;
  signal?: AbortSignal | undefined;
}

export interface FacesBackfillReport {
  /** Ready images found with faces never searched. */
  matched: number;
  /** Backfill jobs queued for them (the rest had a job open already). */
  queued: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * The faces backfill: scans ready images whose faces were never searched, in id order, and queues an
 * AssetBackfill job for each on the backfill lane, never more than `window` of them open at once
 * (it waits for some to finish before it queues more), so the lane's slots and windows pace it as any
 * backfill and fresh uploads never wait behind it. Each job searches the asset's original and
 * records the faces (jobs/faces-backfill.ts). Returns once the scan is done and its last job ended.
 */
export async function runFacesBackfill(
  deps: WorkerDeps,
  queue: AssetQueue,
  options: FacesBackfillOptions,
  progress: (report: FacesBackfillReport) => void = () => {},
): Promise<FacesBackfillReport> {
  await assertTenantExists(deps, options.tenantId);
  const report: FacesBackfillReport = { matched: 0, queued: 0 };
  let open: string[] = [];
  let cursor: string | undefined;
  let scanDone = false;
  while (!options.signal?.aborted) {
    open = await openJobIds(deps.db, { ids: open });
    const room = options.dryRun ? options.window : options.window - open.length;
    if (!scanDone && room > 0) {
      const page = await findAssetsWithoutFaces(deps.db, { afterId: cursor, tenantId: options.tenantId, limit: room });
      scanDone = page.length < room;
      cursor = page.at(-1)?.assetId ?? cursor;
      report.matched += page.length;
      if (!options.dryRun && page.length > 0) {
        const jobs = await queueJobs(deps, queue, page);
        report.queued += jobs.length;
        open.push(...jobs.map((j) => j.id));
      }
      if (page.length > 0) progress({ ...report });
    }
    if (scanDone && open.length === 0) break;
    if (room <= 0 || scanDone) await sleep(options.pollMs, options.signal);
  }
  return report;
}

/** A `--tenant` naming no tenant (a typo, another deployment's id) is an error, not an empty scan. */
async function assertTenantExists(deps: WorkerDeps, tenantId: string | undefined): Promise<void> {
  if (tenantId === undefined) return;
  if (!z.uuid().safeParse(tenantId).success || !(await getTenant(deps.db, { id: tenantId }))) {
    throw new Error(`no tenant has the id "${tenantId}"`);
  }
}

async function queueJobs(deps: WorkerDeps, queue: AssetQueue, assets: { assetId: string; tenantId: string }[]): Promise<Job[]> {
  const jobs = await insertJobsUnlessOpen(deps.db, { assets, kind: 'backfill', lane: 'backfill', maxAttempts: deps.config.jobMaxAttempts });
  // The rows are committed: were this to fail, the reconciler enqueues them.
  if (jobs.length > 0) await queue.enqueueNew(jobs);
  return jobs;
}
