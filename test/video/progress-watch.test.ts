import { getJob } from '@darkroom/db/queries/jobs';
import { jobs } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { watchProgress } from '../../apps/worker/src/render/progress-watch.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** The video render's progress watch against the real Postgres (no worker: the job is made active by hand). */
const harness = setupHarness({ withWorker: false });
const t = setupTenant(harness, 'progress-watch');

/** A queued job of a real upload, turned active as a worker would. */
async function activeJob() {
  const { asset, job } = await t.client.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
  await harness.api.db.update(jobs).set({ state: 'active' }).where(eq(jobs.id, job.id));
  return { jobId: job.id as string, assetId: asset.id as string };
}

describe('watchProgress', () => {
  it('writes the last figure when it stops, even before its first tick', async () => {
    const ids = await activeJob();
    const watch = watchProgress(harness.workerDeps, ids);
    watch.report(0.4);
    await watch.stop();
    expect((await getJob(harness.api.db, { id: ids.jobId }))!.progress).toBe(0.4);
  });
});
