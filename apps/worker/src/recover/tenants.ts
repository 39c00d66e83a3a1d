import { TENANT_RECORDS_PREFIX } from '@darkroom/core/keys';
import { getTenant } from '@darkroom/db/queries/tenants';
import { parseRecord } from '@darkroom/db/records/codec';
import { TenantRecord } from '@darkroom/db/records/tenant-record';
import { upsertTenantRecord } from '@darkroom/db/queries/recover';
import { authEpochKey, createRedisConnection } from '@darkroom/queue';
import type { WorkerDeps } from '../deps.js';

export interface TenantCounts {
  created: number;
  updated: number;
  /** Records the database already has as new or newer. */
  kept: number;
  unreadable: number;
}

/**
 * Every tenant the bucket keeps a record of: made again when the database lost it, its settings
 * and presets brought up to the record when the record is newer (a change after the restore's
 * target). A rebuilt tenant has no API key: an admin makes one (`POST /v1/admin/tenants/:id/keys`).
 */
export async function recoverTenants(deps: WorkerDeps, options: { dryRun: boolean; tenantId?: string | undefined }): Promise<TenantCounts> {
  const counts: TenantCounts = { created: 0, updated: 0, kept: 0, unreadable: 0 };
  const { bucket } = deps.config.storage;
  const prefix = `${TENANT_RECORDS_PREFIX}${options.tenantId ?? ''}`;
  for await (const object of deps.storage.listObjects({ bucket, prefix })) {
    const record = parseRecord(TenantRecord, (await deps.storage.getBytes({ bucket, key: object.key })).toString('utf8'));
    if (!record || object.key !== `${TENANT_RECORDS_PREFIX}${record.id}.json`) {
      counts.unreadable++;
      continue;
    }
    if (options.dryRun) {
      const row = await getTenant(deps.db, { id: record.id });
      counts[!row ? 'created' : row.updatedAt < new Date(record.updatedAt) ? 'updated' : 'kept']++;
      continue;
    }
    counts[await upsertTenantRecord(deps.db, record)]++;
  }
  if (counts.created + counts.updated > 0) await reloadTenants(deps);
  return counts;
}

/** Every API process drops its cached tenants (and their settings) and loads them afresh, as after an admin's change. */
async function reloadTenants(deps: WorkerDeps): Promise<void> {
  const redis = createRedisConnection(deps.config.redis, { maxRetriesPerRequest: 1 });
  try {
    await redis.incr(authEpochKey(deps.config.queuePrefix));
  } finally {
    redis.disconnect();
  }
}
