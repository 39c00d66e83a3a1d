import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { originalKey, variantKey, VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import { QUEUE_LANES } from '@darkroom/core/queue';
import { variantSpecHash } from '@darkroom/core/presets';
import { insertAsset } from '@darkroom/db/queries/assets';
import { insertJob } from '@darkroom/db/queries/jobs';
import { jobs, variants } from '@darkroom/db/schema';
import { newId } from '@darkroom/db/ids';
import { upsertVariants } from '@darkroom/db/queries/variants';
import { and, count, eq, inArray } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi, startedBackfill } from '../support/client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fetchVariant, fixture } from '../support/images.js';
import { spec, writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { enqueueOrphanedJobs, type LaneCursors } from '../../apps/worker/src/sweeps/reconciler.js';

/**
 * The proof that a backfill never delays fresh uploads: a backfill of hundreds of assets keeps the
 * backfill lane busy, and uploads made meanwhile become ready while most of it is still waiting.
 * Serial because it loads the worker (and the machine) on purpose.
 */
const SYNTHETIC = 250;
/** The most backfill entries Redis may hold at once: a fifth of the assets. */
const WINDOW = 50;
const REAL = 3;
const preset = `lane-${randomUUID().slice(0, 8)}`;
const oldThumb = spec('thumb', 'cover', 64);
const newThumb = spec('thumb', 'cover', 48, 'webp', 70);

let harness: Harness;
let tenant: TestApi;
let tenantId: string;
const assetIds: string[] = [];
const original = { bytes: Buffer.alloc(0), width: 320, height: 240 };

async function uploadRealAssets(): Promise<void> {
  const old = await startHarness({ env: { PRESETS_FILE: await writePresetsFile({ [preset]: [oldThumb] }) } });
  const admin = new TestApi(old.baseUrl, old.adminToken);
  const created = await admin.createTenant('backfill-lane');
  tenantId = created.tenantId;
  const client = admin.withToken(created.apiKey);
  for (let i = 0; i < REAL; i++) {
    const { asset } = await client.uploadAndComplete(new Uint8Array(original.bytes), { filename: `r${i}.jpg`, contentType: 'image/jpeg', preset });
    expect((await client.waitForAsset(asset.id)).status).toBe('ready');
    assetIds.push(asset.id);
  }
  await old.close();
}

/** A ready asset as the old preset left it, written straight to Postgres and the buckets (uploading hundreds would be slow). */
async function insertReadyAsset(oldThumbBytes: Buffer): Promise<string> {
  const id = newId();
  const { storage, config, db } = harness.api;
  const key = originalKey(tenantId, id);
  await storage.putObject({ bucket: config.storage.bucket, key, body: original.bytes, contentType: 'image/jpeg' });
  const hash = variantSpecHash(oldThumb);
  const thumbKey = variantKey(tenantId, id, 'thumb', hash, 'webp');
  await storage.putObject({
    bucket: config.storage.publicBucket,
    key: thumbKey,
    body: oldThumbBytes,
    contentType: 'image/webp',
    cacheControl: VARIANT_CACHE_CONTROL,
  });
  await insertAsset(db, {
    id,
    tenantId,
    status: 'ready',
    filename: 'synthetic.jpg',
    contentType: 'image/jpeg',
    size: original.bytes.length,
    preset,
    originalKey: key,
    width: original.width,
    height: original.height,
    format: 'jpeg',
    uploadExpiresAt: new Date(),
    readyAt: new Date(),
  });
  const record = {
    name: 'thumb',
    kind: 'image' as const,
    duration: null,
    format: 'webp',
    width: 64,
    height: 64,
    size: oldThumbBytes.length,
    key: thumbKey,
    specHash: hash,
  };
  await upsertVariants(db, { assetId: id, variants: [record] });
  return id;
}

/** Samples the backfill lane's entries (waiting, running, delayed) until stopped; returns the most seen. */
function sampleLane() {
  let most = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { counts } = await harness.api.queue.counts('backfill');
      most = Math.max(most, (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.paused ?? 0));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return most;
  };
}

async function backfillCompleted(): Promise<number> {
  const where = and(inArray(jobs.assetId, assetIds), eq(jobs.lane, 'backfill'), eq(jobs.state, 'completed'));
  const [row] = await harness.api.db.select({ n: count() }).from(jobs).where(where);
  return row!.n;
}

beforeAll(async () => {
  original.bytes = await readFile(fixture('320x240.jpg'));
  await uploadRealAssets();
  harness = await startHarness({ env: { PRESETS_FILE: await writePresetsFile({ [preset]: [newThumb] }), BACKFILL_WINDOW: String(WINDOW) } });
  const admin = new TestApi(harness.baseUrl, harness.adminToken);
  tenant = admin.withToken((await admin.request('POST', `/v1/admin/tenants/${tenantId}/keys`)).body.apiKey);
  const oldThumbBytes = await sharp(original.bytes).resize(64, 64).webp({ quality: 80 }).toBuffer();
  for (let i = 0; i < SYNTHETIC; i += 25) {
    assetIds.push(...(await Promise.all(Array.from({ length: Math.min(25, SYNTHETIC - i) }, () => insertReadyAsset(oldThumbBytes)))));
  }
}, 180_000);
afterAll(() => harness?.close());

describe('the backfill lane', () => {
  it('fresh uploads become ready while a backfill of hundreds of assets is still far from done', async () => {
    const total = REAL + SYNTHETIC;
    const started = performance.now();
    const res = await new TestApi(harness.baseUrl, harness.adminToken).request('POST', '/v1/admin/backfill', { preset });
    const enqueueMs = performance.now() - started;
    // The first window only: the rest is queued as the lane drains.
    expect(startedBackfill(res.body)).toMatchObject({ preset, matched: WINDOW, queued: WINDOW, skipped: 0, scanDone: false });
    const backfillId = startedBackfill(res.body).id;
    const stopSampling = sampleLane();

    // The lane is busy: a full window waiting when the fresh uploads start.
    const lane = await harness.api.queue.counts('backfill');
    expect(lane.counts.waiting).toBeGreaterThanOrEqual(WINDOW - 5);

    const fresh = ['DSCN0010.jpg', 'Landscape_1.jpg', 'jolla.jpg', '320x240.jpg', 'Landscape_5.jpg'];
    const uploadsStarted = performance.now();
    const latencies = await Promise.all(
      fresh.map(async (name) => {
        const t0 = performance.now();
        const { asset } = await tenant.uploadFile(fixture(name), 'image/jpeg');
        const done = await tenant.waitForAsset(asset.id, 60_000);
        expect(done.status).toBe('ready');
        return Math.round(performance.now() - t0);
      }),
    );
    const freshMs = performance.now() - uploadsStarted;
    const completedWhenFreshReady = await backfillCompleted();
    const laneWhenFreshReady = await harness.api.queue.counts('backfill');
    expect(completedWhenFreshReady).toBeLessThan(total / 2);

    await waitFor('the backfill to finish', async () => (await backfillCompleted()) === total, 170_000, 250);
    const backfillMs = performance.now() - started;
    // Redis never held more than the window of its live entries (plus the one backfill slot's entry,
    // still active while its finished job feeds the next), and its row accounts for every asset.
    expect(await stopSampling()).toBeLessThanOrEqual(WINDOW + 1);
    const row = await waitFor('the backfill row to complete', async () => {
      const { body } = await new TestApi(harness.baseUrl, harness.adminToken).request('GET', `/v1/admin/backfills/${backfillId}`);
      return body.backfill.state === 'completed' && body.backfill;
    });
    expect(row).toMatchObject({ matched: total, queued: total, done: total, failed: 0, scanDone: true });
    console.log(
      `[backfill-lane] ${total} assets: enqueued in ${Math.round(enqueueMs)} ms, whole backfill ${Math.round(backfillMs)} ms ` +
        `(${Math.round(backfillMs / total)} ms/asset at BACKFILL_CONCURRENCY=1); ${fresh.length} fresh uploads ready in ` +
        `${Math.round(freshMs)} ms (each ${latencies.join(', ')} ms) while the backfill had done ${completedWhenFreshReady}/${total} ` +
        `and ${laneWhenFreshReady.counts.waiting} were still waiting`,
    );
  });

  it('left every asset with the new thumb only, and the old objects deleted', async () => {
    const rows = await harness.api.db.select().from(variants).where(inArray(variants.assetId, assetIds));
    expect(rows).toHaveLength(assetIds.length);
    expect(new Set(rows.map((r) => r.specHash))).toEqual(new Set([variantSpecHash(newThumb)]));
    for (const id of [...assetIds.slice(0, REAL), ...assetIds.slice(-5)]) {
      const asset = (await tenant.request('GET', `/v1/assets/${id}`)).body;
      expect(asset.status).toBe('ready');
      const thumb = await fetchVariant(asset.variants[0]!.url);
      expect([thumb.status, thumb.meta.width, thumb.meta.height]).toEqual([200, 48, 48]);
      expect(await harness.countVariantObjects(tenantId, id)).toBe(1);
    }
  });

  it('the reconciler queues a backfill job the queue lost on the backfill lane', async () => {
    const assetId = assetIds[0]!;
    // The pass starts past every older job: earlier files leave unfinished jobs in the shared
    // database (a harness closed mid-backfill), and a pass from the start would queue them on this
    // lane ahead of this one, or stop at its batch before reaching it.
    const before = newId();
    const cursors: LaneCursors = new Map(QUEUE_LANES.map((lane) => [lane, before]));
    const job = await insertJob(harness.api.db, { assetId, tenantId, kind: 'reprocess', lane: 'backfill', maxAttempts: 5 });
    // As if Redis lost it: a row older than the reconciler's grace period, with no queue entry.
    await harness.api.db
      .update(jobs)
      .set({ updatedAt: new Date(Date.now() - 60_000) })
      .where(eq(jobs.id, job.id));
    expect(await enqueueOrphanedJobs(harness.workerDeps, harness.api.queue, cursors)).toBe(1);
    expect(await harness.api.queue.queues.default.getJob(job.id)).toBeUndefined();
    await waitFor(
      'the job to complete',
      async () => (await harness.api.db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.id, job.id) }))?.state === 'completed',
    );
    // Nothing was stale any more: it completed without rendering.
    expect(await harness.api.queue.queues.backfill.getJob(job.id).then((j) => j?.returnvalue)).toEqual({ outcome: 'up-to-date' });
  });
});
