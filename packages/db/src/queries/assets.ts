import { and, asc, desc, eq, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { olderThanCursor, toPage, type Page } from '../pagination.js';
import { runDirect } from '../direct-query.js';
import { preparedPer } from '../prepared.js';
import type { AssetEventType } from '@darkroom/core/contract/event';
import type { FaceBox } from '@darkroom/core/contract/asset';
import type { Crop, Focus } from '@darkroom/core/delivery';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { ASSET_STATUSES, assets, jobs, type Asset, type AssetStatus, type NewAsset } from '../schema.js';
import { recordAssetEvent } from './events.js';

export async function insertAsset(db: Executor, params: NewAsset): Promise<Asset> {
  const [asset] = await db.insert(assets).values(params).returning();
  return asset!;
}

/** The columns an upload start sets: one prepared INSERT for the hottest write of the API. */
export type NewUpload = Pick<
  NewAsset,
  'id' | 'tenantId' | 'filename' | 'contentType' | 'size' | 'preset' | 'metadata' | 'originalKey' | 'uploadExpiresAt'
> &
  Required<Pick<NewAsset, 'kind' | 'visibility'>> & {
    uploadTokenId?: string | null | undefined;
    /** The quota hold its declared size was reserved from (a tenant with upload quotas). */
    quotaHoldId?: string | null | undefined;
    focus?: Focus | null | undefined;
    crop?: Crop | null | undefined;
  };

const insertUploadQuery = preparedPer((db) =>
  runDirect(
    db
      .insert(assets)
      .values({
        id: sql.placeholder('id'),
        tenantId: sql.placeholder('tenantId'),
        status: 'awaiting_upload',
        kind: sql.placeholder('kind'),
        filename: sql.placeholder('filename'),
        contentType: sql.placeholder('contentType'),
        size: sql.placeholder('size'),
        preset: sql.placeholder('preset'),
        metadata: sql`${sql.placeholder('metadata')}::jsonb`,
        focus: sql`${sql.placeholder('focus')}::jsonb`,
        crop: sql`${sql.placeholder('crop')}::jsonb`,
        uploadTokenId: sql.placeholder('uploadTokenId'),
        quotaHoldId: sql.placeholder('quotaHoldId'),
        visibility: sql.placeholder('visibility'),
        // Its variants are rendered straight into the place its visibility says: no move is owed.
        objectsVisibility: sql.placeholder('visibility'),
        originalKey: sql.placeholder('originalKey'),
        uploadExpiresAt: sql.placeholder('uploadExpiresAt'),
      })
      .returning()
      .prepare('insert_upload'),
  ),
);

/** A new asset awaiting its upload. */
export async function insertUpload(db: Executor, params: NewUpload): Promise<Asset> {
  const [asset] = await insertUploadQuery(db).execute({
    ...params,
    uploadTokenId: params.uploadTokenId ?? null,
    quotaHoldId: params.quotaHoldId ?? null,
    metadata: jsonOrNull(params.metadata),
    focus: jsonOrNull(params.focus),
    crop: jsonOrNull(params.crop),
  });
  return asset!;
}

const jsonOrNull = (value: object | null | undefined) => (value === null || value === undefined ? null : JSON.stringify(value));

export async function getAsset(db: Executor, params: { id: string }): Promise<Asset | undefined> {
  const [asset] = await db.select().from(assets).where(eq(assets.id, params.id));
  return asset;
}

const tenantAssetQuery = preparedPer((db) =>
  db
    .select()
    .from(assets)
    .where(and(eq(assets.id, sql.placeholder('id')), eq(assets.tenantId, sql.placeholder('tenantId')), ne(assets.status, 'deleting')))
    .prepare('tenant_asset'),
);

/** Scoped to a tenant: another tenant's asset, or one being deleted, is simply not found. */
export async function getTenantAsset(db: Executor, params: { tenantId: string; id: string }): Promise<Asset | undefined> {
  const [asset] = await tenantAssetQuery(db).execute(params);
  return asset;
}

export interface ListAssetsParams {
  tenantId: string;
  status?: AssetStatus | undefined;
  limit: number;
  /** An opaque cursor from a previous page; an unreadable one is treated as an error by the caller. */
  cursor?: string | undefined;
}

/** Newest first, keyset-paginated on the time-ordered id. */
export async function listAssets(db: Executor, params: ListAssetsParams): Promise<Page<Asset>> {
  const conditions: SQL[] = [eq(assets.tenantId, params.tenantId), ne(assets.status, 'deleting')];
  if (params.status) conditions.push(eq(assets.status, params.status));
  if (params.cursor) conditions.push(olderThanCursor(assets.id, params.cursor));
  const rows = await db
    .select()
    .from(assets)
    .where(and(...conditions))
    .orderBy(desc(assets.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/**
 * The event a change reports, by the contract's list: none for a cancel, a requeue or an upload id
 * being recorded. A re-render of an asset that was ready before (reprocess, backfill) is an update.
 */
export function eventOfTransition(before: Asset, to: AssetStatus): AssetEventType | null {
  switch (to) {
    case 'queued':
      return before.status === 'awaiting_upload' ? 'asset.uploaded' : null;
    case 'processing':
      return 'asset.processing';
    case 'ready':
      return before.readyAt ? 'asset.updated' : 'asset.ready';
    case 'failed':
      return 'asset.failed';
    case 'deleting':
      return 'asset.deleted';
    case 'expired':
      return 'asset.expired';
    case 'held':
      return 'asset.held';
    case 'rejected':
      return 'asset.rejected';
    default:
      return null;
  }
}

const SILENT_STATUSES: readonly AssetStatus[] = ['awaiting_upload', 'canceled'];

export interface TransitionParams {
  id: string;
  from: readonly AssetStatus[];
  to: AssetStatus;
  set?: PgUpdateSetSource<typeof assets>;
}

/**
 * Moves an asset from one status to another only if it is still in one of `from`.
 * Returns undefined when another caller got there first: that is how concurrent
 * `complete` calls (or a worker and a cancel) never both win. The change's event
 * (`eventOfTransition`) is written in the same transaction: no change without its event.
 */
export async function transitionAsset(db: Executor, params: TransitionParams): Promise<Asset | undefined> {
  const update = (executor: Executor, where: SQL | undefined) =>
    executor
      .update(assets)
      .set({ ...params.set, status: params.to, updatedAt: sql`now()` })
      .where(where)
      .returning();
  const inFrom = and(eq(assets.id, params.id), inArray(assets.status, [...params.from]));
  if (SILENT_STATUSES.includes(params.to)) return (await update(db, inFrom))[0];
  return db.transaction(async (tx) => {
    // Locked, so the event's "before" is the row this update changes.
    const [before] = await tx.select().from(assets).where(inFrom).for('update');
    if (!before) return undefined;
    const [after] = await update(tx, eq(assets.id, params.id));
    const type = eventOfTransition(before, params.to);
    // Playable at the change that makes it so (a video too short to chunk, audio: at ready): its event first.
    if (after!.playable && !before.playable) await recordAssetEvent(tx, { type: 'asset.playable', asset: after!, status: 'processing' });
    if (type) await recordAssetEvent(tx, { type, asset: after!, status: type === 'asset.deleted' ? before.status : undefined });
    return after;
  });
}

/**
 * `transitionAsset` for many assets in one statement; returns the ones that were in `from`. It
 * writes no events, so it takes only changes that report none (an admin's requeue of failed assets).
 */
export async function transitionAssets(
  db: Executor,
  params: { ids: string[]; from: readonly AssetStatus[]; to: 'queued'; set?: Partial<NewAsset> },
): Promise<Asset[]> {
  if (params.ids.length === 0) return [];
  if (params.from.includes('awaiting_upload')) throw new Error('transitionAssets: awaiting_upload → queued is an upload, with an event each');
  return db
    .update(assets)
    .set({ ...params.set, status: params.to, updatedAt: sql`now()` })
    .where(and(inArray(assets.id, params.ids), inArray(assets.status, [...params.from])))
    .returning();
}

/**
 * What a render found of an asset, as its row records it at `ready` (not media's `ProcessedImage`,
 * the render's own result, which holds more).
 */
export interface AssetFacts {
  /** Null for audio. */
  width: number | null;
  height: number | null;
  format: string;
  placeholder: string | null;
  dominantColor: string | null;
  /** Videos only: seconds, and what the probe found. */
  duration?: number | null;
  video?: Asset['video'];
  /** Audio only: what the probe (and the worker's loudness measurement) found. */
  audio?: Asset['audio'];
  /** Transparency (a video's poster: none). */
  hasAlpha?: boolean | null;
  /** The crop as rendered: one from the upload, cut back to the image the probe found. */
  crop?: Crop | null;
  /** Faces found in the image as displayed (a video's poster, an audio's cover); unset: left as they are. */
  faces?: FaceBox[] | null;
}

/**
 * A ready asset's new focus and crop, and faces unless undefined: `revision` + 1 (delivery URLs of
 * the one before redirect), with its `asset.updated` event. Undefined when it is no longer ready.
 */
export async function reframeReadyAsset(
  db: Executor,
  params: { id: string; focus: Focus | null; crop: Crop | null; faces?: FaceBox[] | null | undefined },
): Promise<Asset | undefined> {
  const faces = params.faces === undefined ? {} : { faces: params.faces };
  return transitionAsset(db, {
    id: params.id,
    from: ['ready'],
    to: 'ready',
    set: { focus: params.focus, crop: params.crop, ...faces, revision: sql`${assets.revision} + 1` },
  });
}

/** The statuses a render may record `ready` over. */
const RENDERED_FROM: readonly AssetStatus[] = ['queued', 'processing', 'ready', 'failed'];

export async function markAssetReady(db: Executor, params: { id: string } & AssetFacts): Promise<Asset | undefined> {
  const { id, ...image } = params;
  return transitionAsset(db, {
    id,
    // Never from held or rejected: only a decision publishes those (queries/moderation.ts).
    from: RENDERED_FROM,
    to: 'ready',
    set: { ...image, errorCode: null, errorMessage: null, readyAt: new Date(), playable: sql`${assets.kind} <> 'image'` },
  });
}

/**
 * A video still processing whose stream can be played (the lowest rung of a chunked ladder covers it
 * all): `playable` from now on, with its `asset.playable` event. Undefined when it is no longer
 * processing or was playable already (a retried join announces nothing twice).
 */
export async function markAssetPlayable(db: Executor, params: { id: string }): Promise<Asset | undefined> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(assets)
      .where(and(eq(assets.id, params.id), eq(assets.status, 'processing')))
      .for('update');
    if (!before || before.playable) return undefined;
    const [after] = await tx.update(assets).set({ playable: true, updatedAt: sql`now()` }).where(eq(assets.id, params.id)).returning();
    await recordAssetEvent(tx, { type: 'asset.playable', asset: after! });
    return after;
  });
}

export async function markAssetFailed(db: Executor, params: { id: string; errorCode: string; errorMessage: string }): Promise<Asset | undefined> {
  return transitionAsset(db, {
    id: params.id,
    from: ['queued', 'processing'],
    to: 'failed',
    set: { errorCode: params.errorCode, errorMessage: params.errorMessage },
  });
}

/**
 * Starts a deletion: the asset turns `deleting` (gone for the API from then on) and its queued jobs
 * are closed, so no worker starts them. `finishAssetDeletion` (asset-deletion.ts) ends it.
 */
export async function markAssetDeleting(db: Executor, params: { id: string }): Promise<Asset | undefined> {
  return db.transaction(async (tx) => {
    const asset = await transitionAsset(tx, { id: params.id, from: ASSET_STATUSES.filter((s) => s !== 'deleting'), to: 'deleting' });
    if (asset) {
      await tx
        .update(jobs)
        .set({ state: 'completed', finishedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(jobs.assetId, params.id), eq(jobs.state, 'queued')));
    }
    return asset;
  });
}

/**
 * Whether a worker has the asset in hand right now: its job is active (the worker will finish a
 * deletion itself when it sees one), or a visibility move holds it (objects are being copied, so
 * none may be removed until it stops, which a deletion makes it do within its next renewal).
 */
export async function isAssetInHand(db: Executor, params: { assetId: string }): Promise<boolean> {
  const [row] = await db
    .select({ id: assets.id })
    .from(assets)
    .where(
      and(
        eq(assets.id, params.assetId),
        sql`(${assets.moveClaimedUntil} > now() or exists (select 1 from ${jobs} where ${jobs.assetId} = ${assets.id} and ${jobs.state} = 'active'))`,
      ),
    );
  return row !== undefined;
}

/** Deletions and ended uploads (canceled, expired) whose bucket objects are still owed, oldest first. */
export async function listAssetsToPurge(db: Executor, params: { updatedBefore: Date; limit: number }): Promise<Asset[]> {
  const pending = sql`(${assets.status} = 'deleting' or (${assets.status} in ('canceled', 'expired') and ${assets.purgedAt} is null))`;
  return db
    .select()
    .from(assets)
    .where(and(pending, lt(assets.updatedAt, params.updatedBefore)))
    .orderBy(asc(assets.updatedAt))
    .limit(params.limit);
}

/** Records the multipart upload opened for an asset still awaiting its bytes. */
export async function setAssetUploadId(db: Executor, params: { id: string; uploadId: string }): Promise<Asset | undefined> {
  return transitionAsset(db, { id: params.id, from: ['awaiting_upload'], to: 'awaiting_upload', set: { uploadId: params.uploadId } });
}

/** Records that a canceled or expired upload's bucket objects are gone. */
export async function markAssetPurged(db: Executor, params: { id: string }): Promise<void> {
  await db.update(assets).set({ purgedAt: sql`now()`, uploadId: null }).where(eq(assets.id, params.id));
}

export async function deleteAssetRow(db: Executor, params: { id: string }): Promise<void> {
  await db.delete(assets).where(eq(assets.id, params.id));
}

/** Uploads whose bytes never came (or never were confirmed) within UPLOAD_TTL, oldest first. */
export async function listExpiredUploads(db: Executor, params: { now: Date; limit: number }): Promise<Asset[]> {
  return db
    .select()
    .from(assets)
    .where(and(eq(assets.status, 'awaiting_upload'), lt(assets.uploadExpiresAt, params.now)))
    .orderBy(asc(assets.uploadExpiresAt))
    .limit(params.limit);
}

/** Which of these ids have an asset row (for finding bucket objects that belong to no asset). */
export async function findExistingAssetIds(db: Executor, params: { ids: string[] }): Promise<Set<string>> {
  return new Set((await findAssetStatuses(db, params)).keys());
}

/** The status of each of these assets that has a row (for judging staging objects). */
export async function findAssetStatuses(db: Executor, params: { ids: string[] }): Promise<Map<string, AssetStatus>> {
  if (params.ids.length === 0) return new Map();
  const rows = await db.select({ id: assets.id, status: assets.status }).from(assets).where(inArray(assets.id, params.ids));
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** The status and revision of each of these assets that has a row (for judging delivery renders). */
export async function findAssetRevisions(db: Executor, params: { ids: string[] }): Promise<Map<string, { status: AssetStatus; revision: number }>> {
  if (params.ids.length === 0) return new Map();
  const rows = await db
    .select({ id: assets.id, status: assets.status, revision: assets.revision })
    .from(assets)
    .where(inArray(assets.id, params.ids));
  return new Map(rows.map((r) => [r.id, { status: r.status, revision: r.revision }]));
}

/**
 * The asset, locked (FOR UPDATE) until the transaction ends: every other change of its row (another
 * `complete`, a DELETE, an abort, an expiry) waits until then.
 */
export async function lockAsset(db: Executor, params: { id: string }): Promise<Asset | undefined> {
  const [asset] = await db.select().from(assets).where(eq(assets.id, params.id)).for('update');
  return asset;
}

/**
 * Which of these assets are still `ready`, locked (FOR SHARE) until the transaction ends: rows
 * inserted for them in that transaction can't meet an asset deleted or changed meanwhile.
 */
export async function lockReadyAssets(db: Executor, params: { ids: string[] }): Promise<Set<string>> {
  if (params.ids.length === 0) return new Set();
  const rows = await db
    .select({ id: assets.id })
    .from(assets)
    .where(and(inArray(assets.id, params.ids), eq(assets.status, 'ready')))
    .for('share');
  return new Set(rows.map((r) => r.id));
}
