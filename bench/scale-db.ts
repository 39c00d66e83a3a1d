/**
 * `npm run bench:queries`: every admin and list query against a scratch database of 1M assets,
 * 4M variants and 1M jobs across 100 tenants (`darkroom_scale`, built once and reused; about two
 * minutes to build here). Prints the median time of each query over several runs, against the
 * 50 ms goal, and records the run in `bench/results/` (bench/results.ts). A benchmark, not a test:
 * nothing here fails a build.
 *
 *   npm run bench:queries [-- --rebuild]
 */
import { presetStaleScope, PRESETS } from '@darkroom/core/presets';
import { countJobs, findJobIds, listAssetJobs, listJobs, listUnfinishedJobs } from '@darkroom/db/queries/jobs';
import { countJobsByState } from '@darkroom/db/queries/job-counts';
import { countStaleVariants, findStaleAssets, listVariantsByAsset } from '@darkroom/db/queries/variants';
import { createDatabase, type Database } from '@darkroom/db/client';
import { getTenantAsset, listAssets, listExpiredUploads } from '@darkroom/db/queries/assets';
import { sql } from 'drizzle-orm';
import { startRun, writeResults } from './results.js';
import { migratedDatabase } from './support.js';
import { medianMsAfterWarmUp, printTable, type BenchRow } from './table.js';

const DB_NAME = 'darkroom_scale';
const ASSETS = 1_000_000;
const TENANTS = 100;
const GOAL_MS = 50;
const RUNS = 7;

/** Tenants, assets in every status, four variants an asset and one job an asset, all in SQL. */
async function fill(db: Database): Promise<void> {
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from assets`);
  if ((row?.n ?? 0) >= ASSETS) return;
  const started = performance.now();
  console.log(`building ${DB_NAME}: ${ASSETS} assets, ${4 * ASSETS} variants, ${ASSETS} jobs…`);
  await db.execute(sql`truncate tenants, assets, jobs, events cascade`);
  await db.execute(sql.raw(`insert into tenants (id, name) select gen_random_uuid(), 'tenant ' || i from generate_series(1, ${TENANTS}) i`));
  // Status by i % 100: 94 ready, 3 failed, 1 queued, 1 processing, 1 awaiting upload (half of those expired).
  await db.execute(
    sql.raw(`
    with t as (select id, row_number() over (order by id) - 1 as n from tenants)
    insert into assets (id, tenant_id, status, filename, content_type, size, preset, original_key, upload_expires_at, created_at, error_code, error_message)
    select gen_random_uuid(), t.id,
      case when i % 100 < 94 then 'ready' when i % 100 < 97 then 'failed' when i % 100 = 97 then 'queued'
           when i % 100 = 98 then 'processing' else 'awaiting_upload' end,
      'photo-' || i || '.jpg', 'image/jpeg', 1000000 + i, case when i % 10 = 0 then 'gallery' else 'default' end,
      'originals/' || i, now() + case when i % 200 = 99 then interval '-1 hour' else interval '1 day' end,
      now() - (i || ' seconds')::interval,
      case when i % 100 between 94 and 96 then (array['corrupt_image','storage_unavailable','too_many_pixels'])[i % 3 + 1] end,
      case when i % 100 between 94 and 96 then 'failed' end
    from generate_series(1, ${ASSETS}) i join t on t.n = i % ${TENANTS}`),
  );
  await db.execute(
    sql.raw(`
    insert into variants (id, asset_id, name, format, width, height, size, key, spec_hash)
    select gen_random_uuid(), a.id, v.name, 'webp', v.w, v.w, 10000, 'variants/' || a.id || '/' || v.name, 'stale-hash'
    from assets a cross join (values ('thumb', 256), ('small', 640), ('medium', 1280), ('large', 2560)) v(name, w)`),
  );
  await db.execute(
    sql.raw(`
    insert into jobs (id, asset_id, tenant_id, kind, lane, state, attempts, max_attempts, error_code, error_message, created_at, updated_at)
    select gen_random_uuid(), a.id, a.tenant_id, 'process', 'default',
      case a.status when 'ready' then 'completed' when 'failed' then 'failed' when 'queued' then 'queued' else 'active' end,
      1, 5, a.error_code, a.error_message, a.created_at, a.created_at
    from assets a where a.status <> 'awaiting_upload'`),
  );
  await db.execute(sql`vacuum analyze`);
  console.log(`built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

async function measure(db: Database): Promise<BenchRow[]> {
  const [tenant] = await db.execute<{ id: string }>(sql`select id from tenants order by id limit 1`);
  const tenantId = tenant!.id;
  const firstPage = await listAssets(db, { tenantId, limit: 50 });
  const asset = firstPage.items[0]!;
  const since = new Date(Date.now() - 24 * 3600_000);
  const stale = { preset: 'default', ...presetStaleScope(PRESETS.default!) };
  const queries: [string, () => Promise<unknown>][] = [
    [
      'GET /v1/assets (first page of 50, with variants)',
      async () => listVariantsByAsset(db, { assetIds: (await listAssets(db, { tenantId, limit: 50 })).items.map((a) => a.id) }),
    ],
    ['GET /v1/assets?status=failed', () => listAssets(db, { tenantId, status: 'failed', limit: 50 })],
    ['GET /v1/assets (second page)', () => listAssets(db, { tenantId, limit: 50, cursor: firstPage.nextCursor! })],
    [
      'GET /v1/assets/:id (with variants)',
      async () => listVariantsByAsset(db, { assetIds: [(await getTenantAsset(db, { tenantId, id: asset.id }))!.id] }),
    ],
    ['GET /v1/assets/:id/jobs', () => listAssetJobs(db, { assetId: asset.id, limit: 100 })],
    ['GET /v1/admin/jobs?state=failed', () => listJobs(db, { state: 'failed', limit: 50 })],
    ['GET /v1/admin/jobs?tenantId=', () => listJobs(db, { tenantId, limit: 50 })],
    ['GET /v1/admin/jobs?errorCode=corrupt_image', () => listJobs(db, { state: 'failed', errorCode: 'corrupt_image', limit: 50 })],
    [
      'GET /v1/admin/jobs?tenantId=&errorCode=&since=',
      () => listJobs(db, { state: 'failed', tenantId, errorCode: 'corrupt_image', since, limit: 50 }),
    ],
    ['GET /v1/admin/queues (job counts)', () => countJobsByState(db)],
    ['POST /v1/admin/jobs/retry dryRun (one tenant)', () => countJobs(db, { state: 'failed', tenantId })],
    ['POST /v1/admin/jobs/retry dryRun (all failed)', () => countJobs(db, { state: 'failed' })],
    ['bulk retry: one batch of 500 ids', () => findJobIds(db, { state: 'failed', limit: 500 })],
    ['reconciler: one lane batch of 500', () => listUnfinishedJobs(db, { lane: 'default', limit: 500, updatedBefore: new Date() })],
    ['expiry: abandoned uploads, batch of 500', () => listExpiredUploads(db, { now: new Date(), limit: 500 })],
    ['backfill: one page of 500 stale assets', () => findStaleAssets(db, { ...stale, limit: 500 })],
    ['POST /v1/admin/backfill dryRun (count all stale)', () => countStaleVariants(db, stale)],
  ];
  const rows: BenchRow[] = [];
  for (const [metric, run] of queries) {
    const ms = await medianMsAfterWarmUp(RUNS, run);
    rows.push({ metric, darkroom: `${ms.toFixed(1)} ms`, baseline: '—', ratio: '—', goal: `< ${GOAL_MS} ms`, met: ms < GOAL_MS ? 'yes' : 'no' });
  }
  return rows;
}

export async function runQueryBench(options: { rebuild?: boolean } = {}): Promise<BenchRow[]> {
  const url = await migratedDatabase(DB_NAME, options);
  const handle = createDatabase({ url, maxConnections: 2 });
  try {
    await fill(handle.db);
    return await measure(handle.db);
  } finally {
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const start = startRun();
  const rows = await runQueryBench({ rebuild: process.argv.includes('--rebuild') });
  console.log(`\n${DB_NAME}: ${ASSETS} assets, ${4 * ASSETS} variants, ${TENANTS} tenants; median of ${RUNS} runs after a warm-up\n`);
  printTable(rows);
  console.log(`\nrecorded in ${await writeResults('queries', start, rows)}`);
}
