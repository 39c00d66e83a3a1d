import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../client.js';
import { newId } from '../ids.js';
import { insertAsset, markAssetDeleting } from './assets.js';
import { completeJob, getJob, insertJob, PROGRESS_CHANNEL, recordJobProgress, startJobAttempt, type AssetProgressNotice } from './jobs.js';
import { createTenant } from './tenants.js';

let handle: DatabaseHandle;
let listener: postgres.Sql;
let tenantId: string;
const notices: AssetProgressNotice[] = [];

beforeAll(async () => {
  handle = createDatabase({ url: process.env.DATABASE_URL! });
  tenantId = (await createTenant(handle.db, { name: 'job-progress' })).id;
  listener = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  await listener.listen(PROGRESS_CHANNEL, (payload) => notices.push(JSON.parse(payload) as AssetProgressNotice));
});
afterAll(async () => {
  await listener?.end();
  await handle?.close();
});

async function activeVideoJob() {
  const asset = await insertAsset(handle.db, {
    id: newId(),
    tenantId,
    kind: 'video',
    status: 'processing',
    filename: 'a.mp4',
    contentType: 'video/mp4',
    size: 10,
    preset: 'default',
    originalKey: `originals/${tenantId}/x`,
    uploadExpiresAt: new Date(Date.now() + 60_000),
  });
  const job = await insertJob(handle.db, { assetId: asset.id, tenantId, kind: 'process', maxAttempts: 5 });
  await startJobAttempt(handle.db, { id: job.id });
  return { assetId: asset.id, jobId: job.id };
}

const noticesOf = (jobId: string) => notices.filter((n) => n.jobId === jobId).map((n) => n.progress);

describe('recordJobProgress', () => {
  it('moves forward only, NOTIFYs each move, and tells the asset status with every tick', async () => {
    const { assetId, jobId } = await activeVideoJob();
    expect((await getJob(handle.db, { id: jobId }))!.progress).toBeNull();
    expect(await recordJobProgress(handle.db, { id: jobId, assetId, progress: 0.5 })).toEqual({ assetStatus: 'processing', recorded: true });
    expect(await recordJobProgress(handle.db, { id: jobId, assetId, progress: 0.3 })).toEqual({ assetStatus: 'processing', recorded: false });
    expect(await recordJobProgress(handle.db, { id: jobId, assetId, progress: 0.5 })).toEqual({ assetStatus: 'processing', recorded: false });
    expect(await recordJobProgress(handle.db, { id: jobId, assetId, progress: 7 })).toMatchObject({ recorded: true }); // held to 1
    expect((await getJob(handle.db, { id: jobId }))!.progress).toBe(1);
    await expect.poll(() => noticesOf(jobId)).toEqual([0.5, 1]);
    expect(notices.find((n) => n.jobId === jobId)).toEqual({ tenantId, assetId, jobId, progress: 0.5 });

    await markAssetDeleting(handle.db, { id: assetId });
    expect((await recordJobProgress(handle.db, { id: jobId, assetId, progress: 1 })).assetStatus).toBe('deleting');
    expect((await recordJobProgress(handle.db, { id: jobId, assetId: newId(), progress: 1 })).assetStatus).toBeUndefined();
  });

  it('leaves a finished job alone, and a completed job that reported progress ends at 1', async () => {
    const { assetId, jobId } = await activeVideoJob();
    await recordJobProgress(handle.db, { id: jobId, assetId, progress: 0.25 });
    await completeJob(handle.db, { id: jobId });
    expect((await getJob(handle.db, { id: jobId }))!).toMatchObject({ state: 'completed', progress: 1 });
    expect((await recordJobProgress(handle.db, { id: jobId, assetId, progress: 0.9 })).recorded).toBe(false);

    const silent = await activeVideoJob(); // reported nothing: stays null
    await completeJob(handle.db, { id: silent.jobId });
    expect((await getJob(handle.db, { id: silent.jobId }))!.progress).toBeNull();
  });
});
