import { inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { importIdentities, importItems, imports, type ImportItem } from '../import-schema.js';
import { assets, events, type Asset, type Job, type NewAsset } from '../schema.js';
import { assetSnapshot } from '../views.js';
import { transitionAsset, type NewUpload } from './assets.js';
import { EVENTS_CHANNEL } from './events.js';
import type { ImportItemOutcome } from './import-runs.js';
import { insertJob, insertJobsUnlessOpen, openJobsByTenant } from './jobs.js';
import { importItemUsage, recordWork, uploadUsage } from './usage/work.js';

/**
 * What a runner writes of many import items at once (packages/intake/src/import-recorder.ts): the
 * identities of the items it has just taken, and, in one transaction, the assets whose originals
 * are in place with their events and jobs, and the outcomes of items that are over with their
 * import's counts. Each row is what the one-item queries (import-runs.ts, assets.ts) would write.
 */

/**
 * Reserves, in one statement, each identity that no item holds yet for the item that asks for it,
 * with the asset id given: the items it returns (item id → asset id) hold theirs and have no asset
 * yet. An identity held already (by an earlier item, by this item before a crash, or by another
 * item of the list) is left to `claimImportIdentity`, which knows what each of those means.
 */
export async function claimFreeImportIdentities(
  db: Executor,
  params: { tenantId: string; items: { itemId: string; identityHash: string; assetId: string }[] },
): Promise<Map<string, string>> {
  if (params.items.length === 0) return new Map();
  const rows = await db
    .insert(importIdentities)
    .values(params.items.map((item) => ({ tenantId: params.tenantId, ...item })))
    .onConflictDoNothing()
    .returning({ itemId: importIdentities.itemId, assetId: importIdentities.assetId });
  return new Map(rows.map((row) => [row.itemId, row.assetId]));
}

/**
 * An imported file's asset: its row as an upload's start writes it, and what a check of its bytes
 * found (an audio file's probe); with `item`, that item's outcome (imported, with the asset the
 * write found) is recorded in the same transaction.
 */
export interface ImportedAsset {
  values: NewUpload;
  set?: Partial<NewAsset> | null | undefined;
  item?: ImportItem | undefined;
}

/**
 * An asset recorded, and its job when this write made it (none: its row was there already, another
 * runner's); `recorded`, with an item given, whether its outcome was (its claim still the one under way).
 */
export interface RecordedImport {
  asset: Asset;
  job: Job | null;
  recorded?: boolean;
}

export interface ItemOutcome {
  item: ImportItem;
  outcome: ImportItemOutcome;
}

/**
 * In one transaction: each asset `queued` with `asset.uploaded` and its job on the backfill lane
 * (a row there already is taken as it is; one an earlier version left `awaiting_upload` is moved on
 * as `complete` moves it), then each item's outcome with its import's counts, only while that claim
 * of the item is the one under way. Past the assets' insert its statements are sent at once
 * (pipelined): none waits for another's answer. Last, in one statement, the usage of what this write
 * settled (with `metering`): the uploads it confirmed and the items whose outcome it recorded.
 * Returns the assets in the order given, and for each outcome whether it was recorded.
 */
export async function recordImportBatch(
  db: Executor,
  params: { assets: ImportedAsset[]; outcomes: ItemOutcome[]; maxAttempts: number; metering: boolean },
): Promise<{ assets: RecordedImport[]; recorded: boolean[] }> {
  return db.transaction(async (tx) => {
    // The tenants' open jobs are counted (to rank the new ones) as the assets go in: one round trip for both.
    const tenantIds = [...new Set(params.assets.map((a) => a.values.tenantId))];
    const [{ inserted, confirmed, recorded: byId }, open] = await Promise.all([
      insertAssets(tx, params.assets, params.maxAttempts),
      tenantIds.length > 0 ? openJobsByTenant(tx, { tenantIds, lane: 'backfill' }) : new Map<string, number>(),
    ]);
    const outcomes = [
      ...params.outcomes,
      ...params.assets.flatMap((a) => (a.item ? [{ item: a.item, outcome: importedOutcome(byId.get(a.values.id)!.asset) }] : [])),
    ];
    const [jobs, , finished] = await Promise.all([
      insertJobsUnlessOpen(tx, {
        assets: inserted.map((a) => ({ assetId: a.id, tenantId: a.tenantId })),
        kind: 'process',
        lane: 'backfill',
        maxAttempts: params.maxAttempts,
        open,
      }),
      insertUploadedEvents(tx, inserted),
      finishImportItems(tx, outcomes),
    ]);
    const settled = outcomes.flatMap(({ item }) => (finished.has(item.id) ? [importItemUsage(item)] : []));
    await recordWork(tx, [...confirmed.flatMap(uploadUsage), ...settled], params.metering);
    const jobOf = new Map(jobs.map((job) => [job.assetId, job]));
    for (const asset of inserted) byId.set(asset.id, { asset, job: jobOf.get(asset.id) ?? null });
    const assets = params.assets.map((a) => ({ ...byId.get(a.values.id)!, ...(a.item ? { recorded: finished.has(a.item.id) } : {}) }));
    return { assets, recorded: params.outcomes.map(({ item }) => finished.has(item.id)) };
  });
}

const importedOutcome = (asset: Asset): ImportItemOutcome => ({ status: 'imported', assetId: asset.id, bytes: asset.size });

/**
 * The assets inserted `queued` (their events and jobs owed), those this write confirmed (inserted, or
 * left awaiting their upload and moved on), and every asset of the batch as it stands.
 */
async function insertAssets(
  tx: Executor,
  batch: ImportedAsset[],
  maxAttempts: number,
): Promise<{ inserted: Asset[]; confirmed: Asset[]; recorded: Map<string, RecordedImport> }> {
  if (batch.length === 0) return { inserted: [], confirmed: [], recorded: new Map() };
  const inserted = await tx
    .insert(assets)
    .values(
      batch.map(({ values, set }) => ({
        ...values,
        ...set,
        uploadTokenId: values.uploadTokenId ?? null,
        status: 'queued' as const,
        uploadId: null,
        objectsVisibility: values.visibility,
      })),
    )
    .onConflictDoNothing({ target: assets.id })
    .returning();
  const recorded = new Map<string, RecordedImport>(inserted.map((asset) => [asset.id, { asset, job: null }]));
  const others = batch.map((b) => b.values.id).filter((id) => !recorded.has(id));
  const taken = await takeRecordedAssets(tx, others, batch, maxAttempts);
  for (const found of taken) recorded.set(found.asset.id, found);
  return { inserted, confirmed: [...inserted, ...taken.flatMap((t) => (t.job ? [t.asset] : []))], recorded };
}

/** `asset.uploaded` of each new asset, written and notified as recordAssetEvent does (a new asset has no variants). */
async function insertUploadedEvents(tx: Executor, rows: Asset[]): Promise<void> {
  if (rows.length === 0) return;
  const written = tx.insert(events).values(
    rows.map((asset) => ({
      tenantId: asset.tenantId,
      assetId: asset.id,
      type: 'asset.uploaded' as const,
      data: { asset: assetSnapshot(asset, []) },
      id: sql`darkroom_event_id(clock_timestamp())`,
      createdAt: sql`clock_timestamp()`,
    })),
  );
  // The notices read the events just written (the next statement of the transaction), as EventNotice's JSON.
  const notified = tx.execute(sql`
    select pg_notify(${EVENTS_CHANNEL}, json_build_object('id', id, 'tenantId', tenant_id, 'assetId', asset_id)::text)
    from (select id, tenant_id, asset_id from ${events}
          where ${inArray(
            events.assetId,
            rows.map((a) => a.id),
          )} and ${events.type} = 'asset.uploaded' order by id) written`);
  await Promise.all([written, notified]);
}

/** Rows that were there already (the same item held by two runners): taken as they are, or confirmed if left awaiting their upload. */
async function takeRecordedAssets(tx: Executor, ids: string[], batch: ImportedAsset[], maxAttempts: number): Promise<RecordedImport[]> {
  if (ids.length === 0) return [];
  const rows = await tx.select().from(assets).where(inArray(assets.id, ids)).for('update');
  const found: RecordedImport[] = [];
  for (const row of rows) {
    if (row.status !== 'awaiting_upload') {
      found.push({ asset: row, job: null });
      continue;
    }
    const set = batch.find((b) => b.values.id === row.id)?.set ?? {};
    const asset = await transitionAsset(tx, { id: row.id, from: ['awaiting_upload'], to: 'queued', set: { uploadId: null, ...set } });
    const job = await insertJob(tx, { assetId: row.id, tenantId: row.tenantId, kind: 'process', lane: 'backfill', maxAttempts });
    found.push({ asset: asset!, job });
  }
  return found;
}

/**
 * Each outcome (as finishImportItem writes one) and its import's counts, in one statement; an item
 * whose claim is no longer the one under way (its runner lost the import) is left as it is.
 * Returns the items recorded.
 */
async function finishImportItems(tx: Executor, outcomes: ItemOutcome[]): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const rows = outcomes.map(({ item, outcome }) => {
    const assetId = outcome.status === 'failed' ? null : outcome.assetId;
    const reason = outcome.status === 'skipped' ? outcome.reason : null;
    const error = outcome.status === 'failed' ? outcome.error : null;
    const bytes = outcome.status === 'imported' ? outcome.bytes : 0;
    return sql`(${item.id}::uuid, ${item.importId}::uuid, ${item.attempts}::int, ${outcome.status}::text, ${assetId}::uuid, ${reason}::text,
      ${error?.code ?? null}::text, ${error?.message ?? null}::text, ${bytes}::bigint)`;
  });
  const done = await tx.execute<{ id: string }>(sql`
    with done as (
      update ${importItems} set status = v.status, asset_id = v.asset_id, reason = v.reason,
        error_code = v.error_code, error_message = v.error_message, updated_at = now()
      from (values ${sql.join(rows, sql`, `)}) as v(id, import_id, attempts, status, asset_id, reason, error_code, error_message, bytes)
      where ${importItems.id} = v.id and ${importItems.status} = 'running' and ${importItems.attempts} = v.attempts
      returning v.id, v.import_id, v.status, v.bytes),
    counted as (
      update ${imports} set
        imported = ${imports.imported} + c.imported, skipped = ${imports.skipped} + c.skipped,
        failed = ${imports.failed} + c.failed, bytes = ${imports.bytes} + c.bytes, updated_at = now()
      from (select import_id, count(*) filter (where status = 'imported')::int as imported,
              count(*) filter (where status = 'skipped')::int as skipped, count(*) filter (where status = 'failed')::int as failed,
              coalesce(sum(bytes), 0)::bigint as bytes
            from done group by import_id) c
      where ${imports.id} = c.import_id)
    select id from done`);
  return new Set(Array.from(done, (row) => row.id));
}
