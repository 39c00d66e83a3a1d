import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { completeJob, insertJob } from '@darkroom/db/queries/jobs';
import { jobs, variants } from '@darkroom/db/schema';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi, startedBackfill } from '../support/client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fetchVariant, fixture } from '../support/images.js';
import { spec, writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import type { JsonBody } from '@darkroom/client';

// A preset of this file's own: the stale scan covers every asset of a preset, and test files share the database.
const preset = `backfill-${randomUUID().slice(0, 8)}`;
const before = [spec('thumb', 'cover', 128), spec('small', 'inside', 200), spec('medium', 'inside', 160)];
// thumb changes (size and quality), small stays, medium is dropped, wide is new.
const after = [spec('thumb', 'cover', 96, 'webp', 70), spec('small', 'inside', 200), spec('wide', 'inside', 240, 'jpeg')];

let backfillId: string;
let harness: Harness;
let admin: TestApi;
let tenant: TestApi;
let tenantId: string;
const originalsBucket = process.env.S3_BUCKET!;

/** Assets as they were under the old preset: the API's view, variant rows and the original's HEAD. */
const uploaded: { id: string; asset: any; rows: (typeof variants.$inferSelect)[]; original: { etag?: string; size: number } }[] = [];
let open: { assetId: string; jobId: string };
let broken: { assetId: string; thumbUrl: string };

const variantRows = (assetId: string) => harness.api.db.select().from(variants).where(eq(variants.assetId, assetId));
const assetRow = async (id: string) => (await harness.api.db.query.assets.findFirst({ where: (a, { eq }) => eq(a.id, id) }))!;
const backfill = (body: JsonBody<'/v1/admin/backfill', 'post'>) => admin.request('POST', '/v1/admin/backfill', body);

/** The asset's `asset.updated` events in the feed, once one has settled. */
async function updatedEvents(assetId: string): Promise<any[]> {
  return waitFor(`the asset.updated event of ${assetId}`, async () => {
    const mine = await tenant.feed({ assetId, type: 'asset.updated' });
    return mine.length > 0 && mine;
  });
}

async function backfillJobs(assetIds: string[]) {
  return harness.api.db
    .select()
    .from(jobs)
    .where(and(inArray(jobs.assetId, assetIds), eq(jobs.lane, 'backfill')));
}

/** Polls the assets until stopped, collecting every status seen: a backfill must never take an asset out of `ready`. */
function watchStatuses(ids: string[]) {
  const seen = new Set<string>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const id of ids) {
        const { body } = await tenant.request('GET', `/v1/assets/${id}`);
        seen.add(body.variants.length > 0 ? body.status : `${body.status} without variants`);
      }
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return [...seen];
  };
}

beforeAll(async () => {
  const old = await startHarness({ env: { PRESETS_FILE: await writePresetsFile({ [preset]: before }) } });
  const oldAdmin = new TestApi(old.baseUrl, old.adminToken);
  const created = await oldAdmin.createTenant('backfill');
  tenantId = created.tenantId;
  const bytes = new Uint8Array(await readFile(fixture('320x240.jpg')));
  const client = oldAdmin.withToken(created.apiKey);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++)
    ids.push((await client.uploadAndComplete(bytes, { filename: `p${i}.jpg`, contentType: 'image/jpeg', preset })).asset.id);
  for (const id of ids) expect((await client.waitForAsset(id)).status).toBe('ready');
  await old.close();

  // The preset changed; the services restarted with it. No worker yet: the dry run must change nothing.
  harness = await startHarness({ withWorker: false, env: { PRESETS_FILE: await writePresetsFile({ [preset]: after }) } });
  admin = new TestApi(harness.baseUrl, harness.adminToken);
  tenant = admin.withToken(created.apiKey);
  for (const id of ids.slice(0, 3)) {
    const row = await assetRow(id);
    const head = await harness.api.storage.headObject({ bucket: originalsBucket, key: row.originalKey });
    uploaded.push({ id, asset: (await tenant.request('GET', `/v1/assets/${id}`)).body, rows: await variantRows(id), original: head });
  }
  // One asset already has an unfinished job: the backfill leaves it alone.
  open = { assetId: ids[3]!, jobId: (await insertJob(harness.api.db, { assetId: ids[3]!, tenantId, kind: 'reprocess', maxAttempts: 5 })).id };
  // One asset's original went bad since it was rendered: its backfill fails, the asset stays as it was.
  const brokenAsset = (await tenant.request('GET', `/v1/assets/${ids[4]}`)).body;
  broken = { assetId: ids[4]!, thumbUrl: brokenAsset.variants.find((v: any) => v.name === 'thumb')!.url };
  const truncated = await readFile(fixture('truncated.jpg'));
  await harness.api.storage.putObject({
    bucket: originalsBucket,
    key: (await assetRow(ids[4]!)).originalKey,
    body: truncated,
    contentType: 'image/jpeg',
  });
}, 120_000);
afterAll(() => harness?.close());

describe('POST /v1/admin/backfill', () => {
  it('refuses unknown presets, unknown fields and tenant keys', async () => {
    const missing = await backfill({ preset: 'no-such-preset' });
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('preset_not_found');
    const extra = await admin.raw('POST', '/v1/admin/backfill', { preset, dryRun: true, tenantId });
    expect(extra.status).toBe(400);
    expect(extra.body.error?.message).toMatch(/tenantId/);
    expect((await tenant.request('POST', '/v1/admin/backfill', { preset })).status).toBe(403);
  });

  it('dryRun counts exactly the stale variants and changes nothing', async () => {
    const dry = await backfill({ preset, dryRun: true });
    expect(dry.status).toBe(202);
    // Five assets, each with a changed thumb, a missing wide and a dropped medium.
    expect(dry.body).toEqual({ preset, matched: 5, staleVariants: 15, enqueued: 0, skipped: 0 });
    expect(await backfillJobs([...uploaded.map((u) => u.id), open.assetId, broken.assetId])).toEqual([]);
    for (const u of uploaded) expect(await variantRows(u.id)).toEqual(u.rows);
  });

  it('re-renders only the stale variants, on the backfill lane, while assets stay ready', async () => {
    const res = await backfill({ preset });
    expect(res.status).toBe(202);
    // The whole scan fits in the first window: every stale asset is matched and queued at once.
    expect(startedBackfill(res.body)).toMatchObject({
      preset,
      state: 'running',
      scanDone: true,
      matched: 5,
      queued: 4,
      skipped: 1,
      done: 0,
      failed: 0,
    });
    backfillId = startedBackfill(res.body).id;
    const ids = [...uploaded.map((u) => u.id), broken.assetId];
    const queued = await backfillJobs(ids);
    expect(queued.map((j) => [j.kind, j.state, j.backfillId])).toEqual(Array(4).fill(['backfill', 'queued', backfillId]));
    expect(await harness.api.queue.counts('backfill')).toMatchObject({ counts: { waiting: 4 } });

    const stopWatching = watchStatuses(ids);
    harness.startWorker();
    const done = await waitFor('the backfill jobs to finish', async () => {
      const rows = await backfillJobs(ids);
      return rows.every((j) => j.state === 'completed' || j.state === 'failed') && rows;
    });
    expect(await stopWatching()).toEqual(['ready']);
    expect(done.filter((j) => j.state === 'completed')).toHaveLength(3);
    // Its row counts what finished, and it completed when its last job did. The worker closes the
    // backfill in a transaction after the job's own, so it is waited for rather than read at once.
    const shown = await waitFor('the backfill to complete', async () => {
      const res = await admin.request('GET', `/v1/admin/backfills/${backfillId}`);
      return res.body.backfill.state === 'completed' && res;
    });
    expect(shown.body.backfill).toMatchObject({ state: 'completed', matched: 5, queued: 4, skipped: 1, done: 3, failed: 1 });
    expect(shown.body.backfill.finishedAt).not.toBeNull();
    const listed = await admin.request('GET', '/v1/admin/backfills?limit=100');
    expect(listed.body.items.map((b: { id: string }) => b.id)).toContain(backfillId);
    expect((await admin.request('GET', '/v1/admin/backfills/not-a-uuid')).status).toBe(404);

    for (const u of uploaded) await expectBackfilled(u);
  });

  it('a backfill that fails on bad media leaves the asset ready with its old variants', async () => {
    const [job] = await backfillJobs([broken.assetId]);
    expect(job).toMatchObject({ state: 'failed', errorCode: 'corrupt_image', attempts: 1 });
    const asset = (await tenant.request('GET', `/v1/assets/${broken.assetId}`)).body;
    expect(asset).toMatchObject({ status: 'ready', error: null });
    expect(asset.variants.map((v: any) => v.name).sort()).toEqual(['medium', 'small', 'thumb']);
    expect((await fetchVariant(broken.thumbUrl)).status).toBe(200);
  });

  it('an admin retry of a failed backfill job runs it again on the backfill lane', async () => {
    const [job] = await backfillJobs([broken.assetId]);
    const retried = await admin.request('POST', `/v1/admin/jobs/${job!.id}/retry`);
    expect(retried.status).toBe(202);
    const { queues } = harness.api.queue;
    expect(await queues.default.getJob(job!.id)).toBeUndefined();
    expect(await queues.backfill.getJob(job!.id)).toBeDefined();
    const failedAgain = await waitFor('the retried job to fail again', async () => {
      const [row] = await backfillJobs([broken.assetId]);
      return row?.state === 'failed' && row;
    });
    expect(failedAgain).toMatchObject({ errorCode: 'corrupt_image', attempts: 2 });
    expect((await tenant.request('GET', `/v1/assets/${broken.assetId}`)).body.status).toBe('ready');
  });

  it('a later backfill picks up what was skipped, and then finds nothing stale', async () => {
    await completeJob(harness.api.db, { id: open.jobId });
    expect((await tenant.request('DELETE', `/v1/assets/${broken.assetId}`)).status).toBe(204);
    const second = await backfill({ preset });
    expect(startedBackfill(second.body)).toMatchObject({ preset, matched: 1, queued: 1, skipped: 0 });
    await waitFor('the skipped asset to be backfilled', async () => (await backfillJobs([open.assetId]))[0]?.state === 'completed');
    // Nothing stale: the backfill is done as soon as it starts.
    expect(startedBackfill((await backfill({ preset })).body)).toMatchObject({ preset, state: 'completed', matched: 0, queued: 0 });
  });
});

async function expectBackfilled(u: (typeof uploaded)[number]) {
  const asset = (await tenant.request('GET', `/v1/assets/${u.id}`)).body;
  expect(asset).toMatchObject({ status: 'ready', placeholder: u.asset.placeholder, dominantColor: u.asset.dominantColor });
  const byName = Object.fromEntries(asset.variants.map((v: any) => [v.name, v]));
  const oldByName = Object.fromEntries(u.asset.variants.map((v: any) => [v.name, v]));
  expect(Object.keys(byName).sort()).toEqual(['small', 'thumb', 'wide']);

  // Unchanged: same URL, and its row was not touched.
  expect(byName.small.url).toBe(oldByName.small.url);
  const rows = await variantRows(u.id);
  const oldSmall = u.rows.find((r) => r.name === 'small')!;
  expect(rows.find((r) => r.name === 'small')!.updatedAt).toEqual(oldSmall.updatedAt);

  // Changed and new: new URLs with the new specs' output.
  expect(byName.thumb.url).not.toBe(oldByName.thumb.url);
  const thumb = await fetchVariant(byName.thumb.url);
  expect([thumb.status, thumb.meta.format, thumb.meta.width, thumb.meta.height]).toEqual([200, 'webp', 96, 96]);
  const wide = await fetchVariant(byName.wide.url);
  expect([wide.status, wide.meta.format, wide.meta.width, wide.meta.height]).toEqual([200, 'jpeg', 240, 180]);
  expect(byName.wide).toMatchObject({ format: 'jpeg', width: 240, height: 180 });

  // One asset.updated, written with the new rows: exactly what GET shows now (new spec hashes and URLs).
  const updated = await updatedEvents(u.id);
  expect(updated).toHaveLength(1);
  expect(updated[0].data.asset).toEqual(asset);

  // Superseded and dropped objects are gone; exactly the current rows' objects remain.
  expect((await fetchVariant(oldByName.thumb.url)).status).not.toBe(200);
  expect((await fetchVariant(oldByName.medium.url)).status).not.toBe(200);
  expect(rows.map((r) => r.name).sort()).toEqual(['small', 'thumb', 'wide']);
  expect(await harness.countVariantObjects(tenantId, u.id)).toBe(3);

  // The original is never touched.
  const head = await harness.api.storage.headObject({ bucket: originalsBucket, key: (await assetRow(u.id)).originalKey });
  expect({ etag: head.etag, size: head.size }).toEqual({ etag: u.original.etag, size: u.original.size });
}
