import { IMPORT_ITEM_STATUSES, IMPORT_STATUSES, type ImportSourceView } from '@darkroom/core/contract/import';
import { VISIBILITIES } from '@darkroom/core/private-links';
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './schema.js';

/** Imports (docs/api.md#imports-tenant-api-key): beside schema.ts to keep each file readable. */

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One import: its state is here, so it survives the loss of any process and of Redis. An API
 * process runs it while it holds the lease (`leaseOwner` until `leaseUntil`), renewing it as it
 * goes; a lease that lapses (its process died) lets another take the import up where it was.
 */
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    status: text('status', { enum: IMPORT_STATUSES }).notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    /** What the tenant sees of the source (never its credentials). */
    source: jsonb('source').$type<ImportSourceView>().notNull(),
    /** A bucket source's region. */
    region: text('region'),
    /** A bucket source's keys, sealed with WEBHOOK_SECRET_KEY (bound to the import's id); null once it ends. */
    credentialsSealed: text('credentials_sealed'),
    /** Null: the tenant's default preset. */
    preset: text('preset'),
    visibility: text('visibility', { enum: VISIBILITIES }).notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    found: integer('found').notNull().default(0),
    imported: integer('imported').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    /** A bucket source's listing: the continuation token of the next page, and whether it is listed whole. */
    listCursor: text('list_cursor'),
    listed: boolean('listed').notNull().default(false),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    leaseOwner: text('lease_owner'),
    leaseUntil: at('lease_until'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    finishedAt: at('finished_at'),
  },
  (t) => [
    index('imports_tenant_id_idx').on(t.tenantId, t.id),
    // The runners' claim: imports that are under way.
    index('imports_open_idx').on(t.id).where(sql`status in ('planning', 'running')`),
  ],
);

/**
 * One file of an import: a URL item as given, or an object its bucket listing found. `seq` is its
 * place in the import; `identity` what "never twice" compares (externalId, else the URL without
 * presigning's parameters, else bucket/key and ETag).
 */
export const importItems = pgTable(
  'import_items',
  {
    id: uuid('id').primaryKey(),
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id').notNull(),
    seq: integer('seq').notNull(),
    /** The URL to fetch (it may carry a presigned signature: never shown), or the object's key. */
    location: text('location').notNull(),
    /** What the tenant sees: the URL without presigning's parameters, or `bucket/key`. */
    source: text('source').notNull(),
    identity: text('identity').notNull(),
    /** SHA-256 of `identity` (hex), as import_identities keys it. */
    identityHash: text('identity_hash').notNull(),
    externalId: text('external_id'),
    filename: text('filename'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    /** From the listing (a bucket source). */
    size: bigint('size', { mode: 'number' }),
    etag: text('etag'),
    status: text('status', { enum: IMPORT_ITEM_STATUSES }).notNull().default('pending'),
    reason: text('reason'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    assetId: uuid('asset_id'),
    attempts: integer('attempts').notNull().default(0),
    /** A pending item tried before waits until then (its source, or the bucket, was unreachable). */
    retryAt: at('retry_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // A bucket listing's page and its cursor are written in one transaction: none is added twice.
    uniqueIndex('import_items_seq_idx').on(t.importId, t.seq),
    index('import_items_status_idx').on(t.importId, t.status, t.seq),
    // A dry run's count of an identity given twice in one import.
    index('import_items_identity_idx').on(t.importId, t.identityHash),
  ],
);

/**
 * "Never twice": each identity a tenant imported, with the asset it made (its id chosen before the
 * bytes arrive, so a duplicate in flight is skipped with it) and the item that holds it. An item
 * that fails gives its identity back; one whose asset is deleted hands it to the next import.
 */
export const importIdentities = pgTable(
  'import_identities',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** SHA-256 of the identity (hex): an identity is up to a URL's 8 KiB, past what an index row holds. */
    identityHash: text('identity_hash').notNull(),
    assetId: uuid('asset_id').notNull(),
    itemId: uuid('item_id').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.identityHash] })],
);

export type Import = typeof imports.$inferSelect;
export type NewImport = typeof imports.$inferInsert;
export type ImportItem = typeof importItems.$inferSelect;
export type NewImportItem = typeof importItems.$inferInsert;
