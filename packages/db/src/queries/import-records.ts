import { eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { importIdentities, importItems, imports, type ImportItem } from '../import-schema.js';
import { assets, events, type Asset, type Job, type NewAsset } from '../schema.js';
import { assetSnapshot } from '../views.js';
import { transitionAsset, type NewUpload } from './assets.js';
import { EVENTS_CHANNEL, type EventNotice } from './events.js';
import type { ImportItemOutcome } from './import-runs.js';
import { insertJob, insertJobsUnlessOpen } from './jobs.js';

/**
 * What a runner writes of many import items at once (apps/api/src/imports/import-recorder.ts): the
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

/** An imported file's asset: its row as an upload's start writes it, and what a check of its bytes found (an audio file's probe). */
export interface ImportedAsset {
  values: NewUpload;
  set?: Partial<NewAsset> | null | undefined;
}

/** An asset recorded, and its job when this write made it (none: its row was there already, another runner's). */
export interface RecordedImport {
  asset: Asset;
  job: Job | null;
}

export interface ItemOutcome {
  item: ImportItem;
  outcome: ImportItemOutcome;
}

/**
 * In one transaction: each asset `queued` with `asset.uploaded` and its job on the backfill lane
 * (a row there already is taken as it is; one an earlier version left `awaiting_upload` is moved on
 * as `complete` moves it), then each item's outcome with its import's counts, only while that claim
 * of the item is the one under way. Returns the assets in the order given, and for each outcome
 * whether it was recorded.
 */
export async function recordImportBatch(
  db: Executor,
  params: { assets: ImportedAsset[]; outcomes: ItemOutcome[]; maxAttempts: number },
): Promise<{ assets: RecordedImport[]; recorded: boolean[] }> {
  return db.transaction(async (tx) => {
    const recordedAssets = await insertQueuedAssets(tx, params.assets, params.maxAttempts);
    const recorded = await finishImportItems(tx, params.outcomes);
    return { assets: recordedAssets, recorded };
  });
}

async function insertQueuedAssets(tx: Executor, batch: ImportedAsset[], maxAttempts: number): Promise<RecordedImport[]> {
  if (batch.length === 0) return [];
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
  const byId = new Map<string, RecordedImport>();
  const jobs = await insertJobsUnlessOpen(tx, {
    assets: inserted.map((a) => ({ assetId: a.id, tenantId: a.tenantId })),
    kind: 'process',
    lane: 'backfill',
    maxAttempts,
  });
  const jobOf = new Map(jobs.map((job) => [job.assetId, job]));
  for (const asset of inserted) byId.set(asset.id, { asset, job: jobOf.get(asset.id) ?? null });
  await insertUploadedEvents(tx, inserted);
  const others = batch.map((b) => b.values.id).filter((id) => !byId.has(id));
  for (const found of await takeRecordedAssets(tx, others, batch, maxAttempts)) byId.set(found.asset.id, found);
  return batch.map((b) => byId.get(b.values.id)!);
}

/** `asset.uploaded` of each new asset, written and notified as recordAssetEvent does (a new asset has no variants). */
async function insertUploadedEvents(tx: Executor, rows: Asset[]): Promise<void> {
  if (rows.length === 0) return;
  const written = await tx
    .insert(events)
    .values(
      rows.map((asset) => ({
        tenantId: asset.tenantId,
        assetId: asset.id,
        type: 'asset.uploaded' as const,
        data: { asset: assetSnapshot(asset, []) },
        id: sql`darkroom_event_id(clock_timestamp())`,
        createdAt: sql`clock_timestamp()`,
      })),
    )
    .returning({ id: events.id, tenantId: events.tenantId, assetId: events.assetId });
  const notices = written.map((e) => {
    const notice: EventNotice = { id: e.id, tenantId: e.tenantId, assetId: e.assetId };
    return sql`pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(notice)})`;
  });
  await tx.execute(sql`select ${sql.join(notices, sql`, `)}`);
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
 * Each outcome (as finishImportItem writes one) in one statement, and its import's counts in one
 * more; an item whose claim is no longer the one under way (its runner lost the import) is left as it is.
 */
async function finishImportItems(tx: Executor, outcomes: ItemOutcome[]): Promise<boolean[]> {
  if (outcomes.length === 0) return [];
  const rows = outcomes.map(({ item, outcome }) => {
    const assetId = outcome.status === 'failed' ? null : outcome.assetId;
    const reason = outcome.status === 'skipped' ? outcome.reason : null;
    const error = outcome.status === 'failed' ? outcome.error : null;
    return sql`(${item.id}::uuid, ${item.attempts}::int, ${outcome.status}::text, ${assetId}::uuid, ${reason}::text, ${error?.code ?? null}::text, ${error?.message ?? null}::text)`;
  });
  const done = await tx.execute<{ id: string }>(sql`
    update ${importItems} set status = v.status, asset_id = v.asset_id, reason = v.reason,
      error_code = v.error_code, error_message = v.error_message, updated_at = now()
    from (values ${sql.join(rows, sql`, `)}) as v(id, attempts, status, asset_id, reason, error_code, error_message)
    where ${importItems.id} = v.id and ${importItems.status} = 'running' and ${importItems.attempts} = v.attempts
    returning ${importItems.id} as id`);
  const finished = new Set(Array.from(done, (row) => row.id));
  const recorded = outcomes.map(({ item }) => finished.has(item.id));
  for (const [importId, counts] of countsByImport(outcomes.filter((_, n) => recorded[n]))) {
    await tx
      .update(imports)
      .set({
        imported: sql`${imports.imported} + ${counts.imported}`,
        skipped: sql`${imports.skipped} + ${counts.skipped}`,
        failed: sql`${imports.failed} + ${counts.failed}`,
        bytes: sql`${imports.bytes} + ${counts.bytes}`,
        updatedAt: sql`now()`,
      })
      .where(eq(imports.id, importId));
  }
  return recorded;
}

function countsByImport(outcomes: ItemOutcome[]): Map<string, { imported: number; skipped: number; failed: number; bytes: number }> {
  const counts = new Map<string, { imported: number; skipped: number; failed: number; bytes: number }>();
  for (const { item, outcome } of outcomes) {
    const sum = counts.get(item.importId) ?? { imported: 0, skipped: 0, failed: 0, bytes: 0 };
    sum[outcome.status] += 1;
    if (outcome.status === 'imported') sum.bytes += outcome.bytes;
    counts.set(item.importId, sum);
  }
  return counts;
}
