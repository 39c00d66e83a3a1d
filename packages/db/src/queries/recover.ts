import { getTableColumns, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from '../client.js';
import type { TenantRecord } from '../records/tenant-record.js';
import { assets, tenants, variants, type AssetStatus, type NewAsset } from '../schema.js';
import { newId } from '../ids.js';
import type { VariantRecord } from './variants.js';

/**
 * Rows the bucket's records may replace: an upload the restored database still awaits (or has
 * expired since) was confirmed after the restore's target, as its described original shows.
 * Every other status is newer knowledge than the bucket's, and is kept.
 */
export const REBUILDABLE_STATUSES: readonly AssetStatus[] = ['awaiting_upload', 'expired'];

/** `SET column = excluded.column` for each of `keys` (the table's own names for them). */
function fromExcluded<T extends object>(table: T, keys: readonly (keyof T & string)[]) {
  return Object.fromEntries(keys.map((key) => [key, sql.raw(`excluded.${(table[key] as { name: string }).name}`)]));
}

const REBUILT_COLUMNS = [
  'status',
  'filename',
  'contentType',
  'size',
  'preset',
  'metadata',
  'uploadTokenId',
  'kind',
  'width',
  'height',
  'format',
  'duration',
  'video',
  'placeholder',
  'dominantColor',
  'revision',
  'focus',
  'crop',
  'hasAlpha',
  'visibility',
  'objectsVisibility',
  'uploadId',
  'errorCode',
  'errorMessage',
  'createdAt',
  'updatedAt',
  'readyAt',
  'playable',
  'purgedAt',
  'originalKey',
  'moderation',
  'faces',
  'quarantinedAt',
] as const;

/**
 * Rows as one JSON parameter, under the table's column names, and the list of those columns: a
 * batch of any size is one bound value that Postgres unpacks (`jsonb_populate_recordset`), where a
 * multi-row VALUES made a parameter of each cell, whose building and encoding cost more of the
 * process's CPU than the rows' reading (docs/design/recover.md#a-head-an-asset-and-what-else-it-costs). Columns no row names keep their defaults.
 */
function rowsAsJson(table: PgTable, rows: readonly Record<string, unknown>[]) {
  const names = new Map(Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name]));
  const used = new Set<string>();
  const json = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      const name = names.get(key);
      if (name === undefined || value === undefined) continue;
      out[name] = value;
      used.add(name);
    }
    return out;
  });
  const columns = sql.raw([...used].map((name) => `"${name}"`).join(', '));
  return { columns, json: JSON.stringify(json) };
}

/**
 * Writes rebuilt assets in one statement: new rows, and rows of REBUILDABLE_STATUSES replaced.
 * Returns the ids written (an asset another process wrote meanwhile is left as it is).
 */
export async function insertRebuiltAssets(db: Executor, params: { assets: NewAsset[] }): Promise<Set<string>> {
  if (params.assets.length === 0) return new Set();
  // A rejected row keeps its error; every other starts with none.
  const rows = params.assets.map((a) => ({ errorCode: null, errorMessage: null, ...a, uploadId: null, purgedAt: null }));
  const { columns, json } = rowsAsJson(assets, rows);
  const set = sql.raw(REBUILT_COLUMNS.map((key) => `"${assets[key].name}" = excluded."${assets[key].name}"`).join(', '));
  const written = await db.execute<{ id: string }>(sql`
    insert into assets (${columns}) select ${columns} from jsonb_populate_recordset(null::assets, ${json}::jsonb)
    on conflict (id) do update set ${set} where assets.status in ('awaiting_upload', 'expired')
    returning id`);
  return new Set(written.map((r) => r.id));
}

/** The variant rows of rebuilt assets, in one statement. */
export async function insertRebuiltVariants(db: Executor, params: { variants: (VariantRecord & { assetId: string })[] }): Promise<void> {
  if (params.variants.length === 0) return;
  const { columns, json } = rowsAsJson(
    variants,
    params.variants.map((v) => ({ ...v, id: newId() })),
  );
  await db.execute(sql`
    insert into variants (${columns}) select ${columns} from jsonb_populate_recordset(null::variants, ${json}::jsonb)
    on conflict do nothing`);
}

/**
 * A tenant as the bucket's record says: created when missing, its settings replaced when the record
 * is newer than the row. Keys and secrets are never touched (the record has none). Returns what it did.
 */
export async function upsertTenantRecord(db: Executor, record: TenantRecord): Promise<'created' | 'updated' | 'kept'> {
  const values = {
    id: record.id,
    name: record.name,
    acceptedContentTypes: record.acceptedContentTypes,
    maxUploadBytes: record.maxUploadBytes,
    defaultPreset: record.defaultPreset,
    rateLimitPerMinute: record.rateLimitPerMinute,
    defaultVisibility: record.defaultVisibility ?? null,
    presets: record.presets,
    delivery: record.delivery,
    moderation: record.moderation ?? null,
    quotas: record.quotas ?? {},
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
  };
  const settings = [
    'name',
    'acceptedContentTypes',
    'maxUploadBytes',
    'defaultPreset',
    'rateLimitPerMinute',
    'defaultVisibility',
    'presets',
    'delivery',
    'moderation',
    'quotas',
    'updatedAt',
  ] as const;
  const [row] = await db
    .insert(tenants)
    .values(values)
    .onConflictDoUpdate({ target: tenants.id, set: fromExcluded(tenants, settings), setWhere: sql`${tenants.updatedAt} < excluded.updated_at` })
    // xmax is 0 on a row this statement inserted, and set on one it updated.
    .returning({ inserted: sql<boolean>`xmax = 0` });
  return row === undefined ? 'kept' : row.inserted ? 'created' : 'updated';
}

/** Tenants of rebuilt assets that neither the database nor the bucket's records know: made with a name saying so. */
export async function insertPlaceholderTenants(db: Executor, params: { ids: string[] }): Promise<string[]> {
  if (params.ids.length === 0) return [];
  const rows = await db
    .insert(tenants)
    .values(params.ids.map((id) => ({ id, name: `recovered ${id}` })))
    .onConflictDoNothing()
    .returning({ id: tenants.id });
  return rows.map((r) => r.id);
}
