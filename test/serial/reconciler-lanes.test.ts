import { originalKey } from '@darkroom/core/keys';
import { QUEUE_LANES } from '@darkroom/core/queue';
import { assets, jobs, tenants } from '@darkroom/db/schema';
import { insertJob } from '@darkroom/db/queries/jobs';
import { newId } from '@darkroom/db/ids';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOrphanedJobs, type LaneCursors } from '../../apps/worker/src/sweeps/reconciler.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * A lost upload job must be found in the reconciler's next pass however big the backfill in
 * flight: the reconciler walks each lane on its own. Serial: the reconciler looks at every job of
 * the shared test database.
 */
const BACKFILL_JOBS = 600; // more than one reconciler batch (500)

const harness = setupHarness({ withWorker: false });
let tenantId: string;

beforeAll(async () => {
  tenantId = (await harness.admin.createTenant('reconciler-lanes')).tenantId;
});
afterAll(async () => {
  // Its hundreds of unfinished jobs must not reach the next file's reconciler: the tenant goes, and
  // its assets and jobs with it.
  if (tenantId) await harness.api.db.delete(tenants).where(eq(tenants.id, tenantId));
});

async function insertReadyAssets(count: number): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = newId();
    return {
      id,
      tenantId,
      status: 'ready' as const,
      filename: `b${i}.jpg`,
      contentType: 'image/jpeg',
      size: 1,
      preset: 'default',
      originalKey: originalKey(tenantId, id),
      uploadExpiresAt: new Date(),
    };
  });
  await harness.api.db.insert(assets).values(rows);
  return rows.map((r) => r.id);
}

/** As if Redis lost them: rows older than the reconciler's grace period, with no queue entry. */
async function age(jobIds: string[]): Promise<void> {
  await harness.api.db
    .update(jobs)
    .set({ updatedAt: new Date(Date.now() - 60_000) })
    .where(inArray(jobs.id, jobIds));
}

describe('the reconciler walks each lane on its own', () => {
  it('finds a lost upload job in one pass while more than a batch of backfill jobs is unfinished', async () => {
    // The walk starts past every older job: earlier files leave unfinished jobs in the shared
    // database, and batches of theirs would stand where this test's jobs are expected.
    const before = newId();
    const backfillAssets = await insertReadyAssets(BACKFILL_JOBS);
    const backfillJobs = [];
    for (const assetId of backfillAssets) {
      backfillJobs.push(await insertJob(harness.api.db, { assetId, tenantId, kind: 'reprocess', lane: 'backfill', maxAttempts: 5 }));
    }
    // The upload job is the newest unfinished job of all: an oldest-first scan across lanes misses it.
    const [uploadAsset] = await insertReadyAssets(1);
    await harness.api.db.update(assets).set({ status: 'queued' }).where(eq(assets.id, uploadAsset!));
    const uploadJob = await insertJob(harness.api.db, { assetId: uploadAsset!, tenantId, kind: 'process', maxAttempts: 5 });
    await age([...backfillJobs.map((j) => j.id), uploadJob.id]);

    const cursors: LaneCursors = new Map(QUEUE_LANES.map((lane) => [lane, before]));
    // A batch of the backfill lane, and the upload job.
    expect(await enqueueOrphanedJobs(harness.workerDeps, harness.api.queue, cursors)).toBe(501);
    expect(await harness.api.queue.queues.default.getJob(uploadJob.id)).toBeDefined();

    // The backfill lane goes on from its cursor: the next pass reaches the jobs past the first batch.
    const last = backfillJobs.at(-1)!;
    expect(await harness.api.queue.queues.backfill.getJob(last.id)).toBeUndefined();
    await enqueueOrphanedJobs(harness.workerDeps, harness.api.queue, cursors);
    expect(await harness.api.queue.queues.backfill.getJob(last.id)).toBeDefined();
  });
});
