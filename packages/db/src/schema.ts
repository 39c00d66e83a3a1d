import { ASSET_KINDS } from '@darkroom/core/content-types';
import { EVENT_TYPES, type EventData } from '@darkroom/core/contract/event';
import { JOB_KINDS, JOB_STATES } from '@darkroom/core/contract/job';
import { QUEUE_LANES } from '@darkroom/core/queue';
import { VISIBILITIES } from '@darkroom/core/private-links';
import { VISIBLE_ASSET_STATUSES, type AudioInfo, type FaceBox, type HlsRendition, type VideoInfo } from '@darkroom/core/contract/asset';
import { FACE_REDACTIONS, type Crop, type DeliveryPolicyPatch, type Focus } from '@darkroom/core/delivery';
import type { TenantPresets } from '@darkroom/core/presets';
import { PENDING_MODERATION, type AssetModeration, type ModerationPolicyPatch } from '@darkroom/core/contract/moderation';
import type { TenantQuotas } from '@darkroom/core/contract/usage';
import { sql } from 'drizzle-orm';
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/**
 * The statuses a tenant sees (the contract's, @darkroom/core), and one more: deleted by its tenant,
 * its bucket objects not yet all removed; gone for the API, swept by workers.
 */
export const ASSET_STATUSES = [...VISIBLE_ASSET_STATUSES, 'deleting'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/**
 * An asset confirmed (its upload complete, its import's file in place), whatever its processing
 * did since, until it is deleted.
 */
export const CONFIRMED_STATUSES: readonly AssetStatus[] = ['queued', 'processing', 'held', 'ready', 'failed', 'rejected'];

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  /** Null means the deployment's default accepted types. */
  acceptedContentTypes: text('accepted_content_types').array(),
  /** Null: the deployment's MAX_UPLOAD_BYTES. */
  maxUploadBytes: bigint('max_upload_bytes', { mode: 'number' }),
  /** The preset an upload that names none renders with; null: the preset named `default`. */
  defaultPreset: text('default_preset'),
  /** Requests per key per minute; null: the deployment's RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute: integer('rate_limit_per_minute'),
  /**
   * The tenant's own presets, `{ name: [VariantSpec] }`: each shadows the global preset of its name
   * for this tenant only. Kept on the row so they arrive with the tenant (cached with its key).
   */
  presets: jsonb('presets').$type<TenantPresets>().notNull().default({}),
  /** The delivery policy fields the tenant set; the rest are DEFAULT_DELIVERY_POLICY's (deliveryPolicyOf). */
  delivery: jsonb('delivery').$type<DeliveryPolicyPatch>().notNull().default({}),
  /** The delivery signing key (`dsk_…`), sealed with WEBHOOK_SECRET_KEY like webhook secrets; null until one is made. */
  deliveryKeySealed: text('delivery_key_sealed'),
  /** The key before the last `POST /v1/delivery-key`, still verifying until `previousDeliveryKeyExpiresAt`. */
  previousDeliveryKeySealed: text('previous_delivery_key_sealed'),
  previousDeliveryKeyExpiresAt: timestamp('previous_delivery_key_expires_at', { withTimezone: true, mode: 'date' }),
  /** The visibility of an upload that names none (nor its upload token); null: the deployment's DEFAULT_VISIBILITY. */
  defaultVisibility: text('default_visibility', { enum: VISIBILITIES }),
  /** The moderation policy fields the tenant set; null (or a field absent): the deployment's MODERATION_* defaults. */
  moderation: jsonb('moderation').$type<ModerationPolicyPatch>(),
  /** The quotas set (docs/api.md#quotas); a quota absent or null is unlimited. */
  quotas: jsonb('quotas').$type<TenantQuotas>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** API keys are stored only as a SHA-256 hash; `prefix` is the first characters, for people to recognise a key. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    /** Null for admin keys. */
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['tenant', 'admin'] }).notNull(),
    keyHash: text('key_hash').notNull(),
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('api_keys_key_hash_idx').on(t.keyHash), index('api_keys_tenant_idx').on(t.tenantId)],
);

export interface AttemptRecord {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** What only admins see (see jobs.errorDetail); absent on attempts recorded before it existed. */
  errorDetail?: string | null;
}

export const assets = pgTable(
  'assets',
  {
    id: uuid('id').primaryKey(),
    // No foreign key to tenants (nor on jobs and events): it made every upload start lock its
    // tenant's row (FOR KEY SHARE), so one platform's concurrent uploads queued on one tuple and its
    // multixacts (docs/design/api.md#no-foreign-key-from-uploads-to-tenants). Tenants are never
    // deleted through the API; a trigger (migration 0009) still removes a deleted tenant's rows.
    tenantId: uuid('tenant_id').notNull(),
    status: text('status', { enum: ASSET_STATUSES }).notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    preset: text('preset').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    /**
     * The browser upload token that started it (null: a tenant key did): such a token reaches only
     * the assets it started. No foreign key, as for tenantId: a token's row is never in an upload's way.
     */
    uploadTokenId: uuid('upload_token_id'),
    /**
     * The quota hold its declared size was reserved from (`quota_holds`, migration 0021), until
     * `complete`, `abort` or a DELETE gives it back (then null); none for a tenant without quotas.
     */
    quotaHoldId: uuid('quota_hold_id'),
    originalKey: text('original_key').notNull(),
    /** Set while a multipart upload is open in the bucket. */
    uploadId: text('upload_id'),
    /** From the declared content type, which `complete` checks against the bytes. */
    kind: text('kind', { enum: ASSET_KINDS }).notNull().default('image'),
    width: integer('width'),
    height: integer('height'),
    format: text('format'),
    /** Seconds; videos only. */
    duration: doublePrecision('duration'),
    /** What the probe found (codec, fps, audio, how HDR was handled); videos only. */
    video: jsonb('video').$type<NonNullable<VideoInfo>>(),
    /** What the probe found in an audio original (codec, sample rate, channels, loudness); audio only. */
    audio: jsonb('audio').$type<NonNullable<AudioInfo>>(),
    placeholder: text('placeholder'),
    dominantColor: text('dominant_color'),
    /** 1 at upload, + 1 on every focus or crop change: delivery URLs carry it, older ones redirect. */
    revision: integer('revision').notNull().default(1),
    /** 0..1 of the displayed image; null: its centre. */
    focus: jsonb('focus').$type<Focus>(),
    /** Displayed pixels every variant and delivery is cut from; null: the whole image. */
    crop: jsonb('crop').$type<Crop>(),
    /** Faces found at ingest or marked by hand, largest first (at most MAX_FACES); null before the search or where it is off. */
    faces: jsonb('faces').$type<FaceBox[]>(),
    /** Whether the image (a video: its poster) has transparency, from the probe; null before it ran. */
    hasAlpha: boolean('has_alpha'),
    /** What the API says: `private` shows only private URLs, and its objects must leave the public bucket. */
    visibility: text('visibility', { enum: VISIBILITIES }).notNull().default('public'),
    /**
     * Where the asset's objects are now (storage's assetObjectLocation). It differs from `visibility`
     * while the worker still owes the move; a new asset's variants are rendered straight into place.
     */
    objectsVisibility: text('objects_visibility', { enum: VISIBILITIES }).notNull().default('public'),
    /**
     * The worker whose move holds the asset (a token of its claim) and until when: while it holds,
     * no job of the asset starts and no other move or purge takes it (queries/visibility.ts).
     */
    moveClaim: uuid('move_claim'),
    moveClaimedUntil: timestamp('move_claimed_until', { withTimezone: true, mode: 'date' }),
    /** A move that waited for a job or failed is tried again no earlier than this, behind newer changes. */
    moveNextAt: timestamp('move_next_at', { withTimezone: true, mode: 'date' }),
    /** Failed tries of the move owed now (its backoff); back to 0 once a move is recorded. */
    moveFailures: integer('move_failures').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    uploadExpiresAt: timestamp('upload_expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    readyAt: timestamp('ready_at', { withTimezone: true, mode: 'date' }),
    /**
     * Whether the stream (a video's or audio's) can be played: true from the first moment it could,
     * for good. An image's stays false (the contract shows it null).
     */
    playable: boolean('playable').notNull().default(false),
    /**
     * When the bucket objects of a canceled or expired upload were removed (multipart aborted, object
     * deleted); null while that is still owed, so a failure at that moment is retried by the sweep.
     */
    purgedAt: timestamp('purged_at', { withTimezone: true, mode: 'date' }),
    /** What its tenant's checks found and the decision on it; `status` follows it (`held`, `rejected`). */
    moderation: jsonb('moderation')
      .$type<AssetModeration>()
      .notNull()
      .default(sql`${sql.raw(`'${JSON.stringify(PENDING_MODERATION)}'::jsonb`)}`),
    /**
     * The 64-bit perceptual hashes of its pictures (an image; a video's sampled frames; cover art),
     * as signed bigints: what a block of the asset adds to a blocklist. Null before they were taken.
     */
    perceptualHashes: bigint('perceptual_hashes', { mode: 'bigint' }).array(),
    /** When a rejection moved its original to `quarantine/`, which keeps it QUARANTINE_DAYS. */
    quarantinedAt: timestamp('quarantined_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    // Keyset pagination per tenant: ids are UUIDv7, so id order is creation order.
    index('assets_tenant_id_idx').on(t.tenantId, t.id),
    index('assets_tenant_status_id_idx').on(t.tenantId, t.status, t.id),
    // Backfill's stale scan: a preset's ready assets.
    index('assets_preset_status_id_idx').on(t.preset, t.status, t.id),
    index('assets_awaiting_expiry_idx').on(t.uploadExpiresAt).where(sql`status = 'awaiting_upload'`),
    // The purge sweep: deletions and ended uploads whose bucket objects are still owed.
    index('assets_purge_pending_idx').on(t.updatedAt).where(sql`status = 'deleting' or (status in ('canceled', 'expired') and purged_at is null)`),
    // The worker's visibility moves: assets whose objects are not yet where their visibility says.
    index('assets_visibility_move_idx').on(t.updatedAt).where(sql`visibility <> objects_visibility`),
    // The review queue, oldest first, and the quarantine sweep.
    index('assets_held_idx').on(t.id).where(sql`status = 'held'`),
    index('assets_quarantined_idx').on(t.quarantinedAt).where(sql`quarantined_at is not null`),
  ],
);

export const variants = pgTable(
  'variants',
  {
    id: uuid('id').primaryKey(),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: ASSET_KINDS }).notNull().default('image'),
    format: text('format').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** Seconds, of a video rendition. */
    duration: doublePrecision('duration'),
    /** The rungs of an HLS ladder (`format` `hls`); null for every other variant. */
    renditions: jsonb('renditions').$type<HlsRendition[]>(),
    size: integer('size').notNull(),
    key: text('key').notNull(),
    specHash: text('spec_hash').notNull(),
    /** The encoder quality the variant was made at (a `quality: "auto…"` search's choice); null where none applies or before it was kept. */
    quality: integer('quality'),
    /** The face redaction an image variant's pixels carry (its tenant's `enforceFaceRedaction` when it was rendered, with faces known); null: none. */
    redaction: text('redaction', { enum: FACE_REDACTIONS }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('variants_asset_name_idx').on(t.assetId, t.name)],
);

export const BACKFILL_STATES = ['running', 'completed'] as const;
export type BackfillState = (typeof BACKFILL_STATES)[number];
/** What a backfill re-renders: a preset's stale variants, or a tenant's after its `enforceFaceRedaction` changed. */
export const BACKFILL_REASONS = ['preset', 'face-redaction'] as const;
export type BackfillReason = (typeof BACKFILL_REASONS)[number];

/**
 * One re-render of a preset's stale variants. The scan walks the preset's ready assets in id order
 * (`cursor`), a window at a time as the backfill lane drains, so Redis never holds more than
 * BACKFILL_WINDOW of its entries; the counters say how far it is.
 */
export const backfills = pgTable('backfills', {
  id: uuid('id').primaryKey(),
  reason: text('reason', { enum: BACKFILL_REASONS }).notNull().default('preset'),
  /** The preset whose stale variants it re-renders; empty for a `face-redaction` backfill (every preset of its tenant). */
  preset: text('preset').notNull(),
  /** A tenant's backfill (`POST /v1/presets/:name/backfill`) covers only its assets; null: every tenant's. */
  tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
  /** The preset's `{ variant name: spec hash }` when the backfill started: what "stale" means for it. */
  specHashes: jsonb('spec_hashes').$type<Record<string, string>>().notNull(),
  state: text('state', { enum: BACKFILL_STATES }).notNull().default('running'),
  /** At most this many of its jobs are open (queued or running) at once: the bound on its Redis entries. */
  window: integer('window').notNull(),
  /** Names among specHashes that are video renditions: image assets have none of those to be stale. */
  videoVariants: text('video_variants').array().notNull().default(sql`'{}'::text[]`),
  /** Names among specHashes that are audio renditions or waveforms: image and video assets have none of those to be stale. */
  audioVariants: text('audio_variants').array().notNull().default(sql`'{}'::text[]`),
  /** Attempts each of its jobs gets (JOB_MAX_ATTEMPTS of the API that started it). */
  maxAttempts: integer('max_attempts').notNull(),
  /** The last asset id the scan has looked at; null before the first window. */
  cursor: uuid('cursor'),
  scanDone: boolean('scan_done').notNull().default(false),
  /** Ready assets found with stale variants. */
  matched: integer('matched').notNull().default(0),
  /** Jobs queued for them. */
  queued: integer('queued').notNull().default(0),
  /** Matched assets left out: an open job already, or no longer ready. */
  skipped: integer('skipped').notNull().default(0),
  done: integer('done').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
});

export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    /** No foreign key to tenants, as on assets (see there). */
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind', { enum: JOB_KINDS }).notNull(),
    /** The queue the job travels on: `backfill` jobs (preset changes) never take the slots of fresh uploads. */
    lane: text('lane', { enum: QUEUE_LANES }).notNull().default('default'),
    /** The backfill that queued this job (kind `backfill`); its counters move when the job finishes. */
    backfillId: uuid('backfill_id').references(() => backfills.id, { onDelete: 'set null' }),
    state: text('state', { enum: JOB_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    /**
     * The job's place in its tenant's line when it was queued (1 = the tenant had nothing else open
     * in the lane). The queue serves lower ranks first, so one tenant's burst of 10,000 jobs cannot
     * make another tenant's single upload wait for all of them.
     */
    queueRank: integer('queue_rank').notNull().default(1),
    errorCode: text('error_code'),
    /** For the tenant: names no bucket, key, host or SQL. */
    errorMessage: text('error_message'),
    /** The raw error behind errorMessage (it may name a bucket, key or SQL): shown on the admin job routes only. */
    errorDetail: text('error_detail'),
    /** One entry per attempt, so an admin sees why a job failed without reading logs. */
    history: jsonb('history').$type<AttemptRecord[]>().notNull().default([]),
    /** 0..1 as a video renders; never backwards, also across a retry's attempts (which report only past it); null: none reported. */
    progress: doublePrecision('progress'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('jobs_asset_idx').on(t.assetId, t.id),
    index('jobs_state_id_idx').on(t.state, t.id),
    // A backfill's open jobs: how much of its window is in the queue.
    index('jobs_backfill_open_idx').on(t.backfillId).where(sql`backfill_id is not null and state in ('queued', 'active')`),
    // A tenant's open jobs in a lane: the queue rank of its next job.
    index('jobs_open_tenant_lane_idx').on(t.tenantId, t.lane).where(sql`state in ('queued', 'active')`),
    // The reconciler's per-lane walk over unfinished jobs.
    index('jobs_unfinished_lane_idx').on(t.lane, t.id).where(sql`state in ('queued', 'active')`),
    // Admin filters: a tenant's jobs, failed jobs by error code (newest first, keyset by id).
    index('jobs_tenant_id_idx').on(t.tenantId, t.id),
    index('jobs_failed_error_code_idx').on(t.errorCode, t.id).where(sql`state = 'failed'`),
    // At most one unfinished job per asset: a repeated or racing `complete` can never queue twice.
    uniqueIndex('jobs_one_open_per_asset_idx').on(t.assetId).where(sql`state in ('queued', 'active')`),
  ],
);

/**
 * Browser upload tokens (`dut_…`): minted by a tenant's backend for one end user's session, stored
 * only as a SHA-256 hash like API keys. Each narrows its tenant's limits; `preset` and `metadata`
 * are forced onto every upload it starts. `uploadsStarted` counts its uploads against `maxUploads`
 * (one conditional UPDATE, so concurrent starts can never pass it).
 */
export const uploadTokens = pgTable(
  'upload_tokens',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** The tenant key that minted it (its requests count against that key's rate limit); null: an admin did. */
    mintedByKeyId: uuid('minted_by_key_id'),
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    maxUploads: integer('max_uploads').notNull(),
    uploadsStarted: integer('uploads_started').notNull().default(0),
    /** Null: the tenant's own limit applies (never wider than it: checked when minted). */
    maxUploadBytes: bigint('max_upload_bytes', { mode: 'number' }),
    acceptedContentTypes: text('accepted_content_types').array(),
    /** Null: the tenant's default preset. Either way a browser cannot pick another. */
    preset: text('preset'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    /** The visibility of every upload it starts; null: the tenant's default. Either way a browser cannot pick another. */
    visibility: text('visibility', { enum: VISIBILITIES }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('upload_tokens_token_hash_idx').on(t.tokenHash), index('upload_tokens_tenant_idx').on(t.tenantId)],
);

export type Tenant = typeof tenants.$inferSelect;
export type UploadToken = typeof uploadTokens.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Asset = typeof assets.$inferSelect;
export type NewAsset = typeof assets.$inferInsert;
export type Variant = typeof variants.$inferSelect;
export type Job = typeof jobs.$inferSelect;
export type Backfill = typeof backfills.$inferSelect;

/**
 * The outbox: one row per asset change, written in the transaction that made the change (see
 * queries/events.ts). Ids are UUIDv7 made from the row's `created_at` to the microsecond, so id order
 * is time order. No foreign key to the asset: a deletion's event outlives the asset.
 */
export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey(),
    /** No foreign key to tenants, as on assets (see there). */
    tenantId: uuid('tenant_id').notNull(),
    /** The asset an asset event is of; null for an import's event. */
    assetId: uuid('asset_id'),
    /** The import an import event is of; null for an asset's. */
    importId: uuid('import_id'),
    type: text('type', { enum: EVENT_TYPES }).notNull(),
    /** The asset as the change left it, variants by key, or the import (the contract's EventData; views.ts builds it). */
    data: jsonb('data').$type<EventData>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('events_tenant_id_idx').on(t.tenantId, t.id),
    index('events_asset_id_idx').on(t.assetId, t.id),
    index('events_created_at_idx').on(t.createdAt),
  ],
);

export type Event = typeof events.$inferSelect;
export type NewEvent = typeof events.$inferInsert;
