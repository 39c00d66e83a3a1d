import { assets, jobs } from '@darkroom/db/schema';
import { createWorkerQueues, type WorkerQueues } from '@darkroom/queue';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFacesBackfill } from '../../apps/worker/src/faces/backfill-run.js';
import { iou, labelledFaces, PORTRAIT_PHOTO } from '../../packages/media/src/classifier/test-faces.js';
import { fixture } from '../support/images.js';
import { facesSearched } from '../support/faces-on.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** `npm run faces` (docs/operations.md): the faces of images made before face detection, on the backfill lane. */
const harness = setupHarness({ env: facesSearched });
const tenant = setupTenant(harness, 'faces-backfill');
let queues: WorkerQueues;

beforeAll(() => {
  const { config } = harness.workerDeps;
  queues = createWorkerQueues({ redis: config.redis, prefix: config.queuePrefix, chunkTenantParts: config.video.chunkTenantParts });
});
afterAll(() => queues?.close());

/** Ready images as an older release left them: faces never searched. */
async function imagesWithoutFaces(paths: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const path of paths) {
    const { asset } = await tenant.client.uploadFile(path, 'image/jpeg');
    expect((await tenant.client.waitForAsset(asset.id)).status).toBe('ready');
    await harness.api.db.update(assets).set({ faces: null }).where(eq(assets.id, asset.id));
    ids.push(asset.id);
  }
  return ids;
}

describe('the faces backfill', () => {
  it('counts on a dry run, then searches each image once on the backfill lane, a window at a time', async () => {
    const ids = await imagesWithoutFaces([PORTRAIT_PHOTO, fixture('Landscape_1.jpg'), fixture('DSCN0010.jpg')]);
    const [child, landscape] = ids;
    const backfillJobs = async () =>
      (
        await harness.api.db
          .select()
          .from(jobs)
          .where(and(eq(jobs.kind, 'backfill'), inArray(jobs.assetId, ids)))
      ).map((j) => [j.lane, j.state]);
    const options = { tenantId: tenant.tenantId, window: 2, pollMs: 50, dryRun: true };
    expect(await runFacesBackfill(harness.workerDeps, queues.assets, options)).toEqual({ matched: 3, queued: 0 });
    expect(await backfillJobs()).toEqual([]);

    const windows: number[] = [];
    const report = await runFacesBackfill(harness.workerDeps, queues.assets, { ...options, dryRun: false }, (r) => windows.push(r.queued));
    expect(report).toEqual({ matched: 3, queued: 3 });
    // Never more than the window open: two, then the third once they ended.
    expect(windows).toEqual([2, 3]);
    expect(await backfillJobs()).toEqual([
      ['backfill', 'completed'],
      ['backfill', 'completed'],
      ['backfill', 'completed'],
    ]);
    const found = await tenant.client.request('GET', `/v1/assets/${child}`);
    expect(found.body.faces).toHaveLength(1);
    expect(iou(found.body.faces![0]!, labelledFaces(PORTRAIT_PHOTO)[0]!)).toBeGreaterThan(0.5);
    // Found faces are a change of the asset: its event says so.
    const updates = await tenant.client.feed({ assetId: child!, type: 'asset.updated' });
    expect(updates.at(-1)?.data.asset.faces).toEqual(found.body.faces);
    expect((await tenant.client.request('GET', `/v1/assets/${landscape}`)).body.faces).toEqual([]);

    // Nothing is owed any more: a second run queues nothing.
    expect(await runFacesBackfill(harness.workerDeps, queues.assets, { ...options, dryRun: false })).toEqual({ matched: 0, queued: 0 });
  });

  it('refuses a tenant that does not exist, rather than finding nothing', async () => {
    const run = (tenantId: string) => runFacesBackfill(harness.workerDeps, queues.assets, { tenantId, window: 2, pollMs: 50, dryRun: true });
    await expect(run('0193a1f2-7c4e-7b3a-9d2e-5f6a7b8c9d0e')).rejects.toThrow('no tenant has the id "0193a1f2-7c4e-7b3a-9d2e-5f6a7b8c9d0e"');
    await expect(run('my-platform')).rejects.toThrow('no tenant has the id "my-platform"');
  });
});
