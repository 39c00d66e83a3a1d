import type { Executor } from '../../client.js';
import { recordUsage, type UsageEvent } from './record.js';
import { noteQuotaThresholds } from './thresholds.js';

/**
 * The durable meters: work that commits a state change (an upload confirmed, an import item settled,
 * a render recorded, a webhook attempt) records its events in the transaction that commits it, each
 * under a source naming its cause, so a retry of that work counts once. Every such event goes through
 * `recordWork`, the one place the quota counters they move are checked against their limits.
 */

/**
 * Records the events in the caller's transaction and raises the quota thresholds the counters they
 * moved crossed (a tenant without quotas moves none: nothing more is sent). `metering`:
 * USAGE_METERING; off, nothing is recorded and no statement is sent.
 */
export async function recordWork(db: Executor, events: readonly UsageEvent[], metering: boolean): Promise<void> {
  if (!metering) return;
  await noteQuotaThresholds(db, await recordUsage(db, events));
}

/** An asset confirmed (`complete`, an import item imported): one upload and its original's bytes. */
export function uploadUsage(asset: { id: string; tenantId: string; size: number }): UsageEvent[] {
  const source = `upload:${asset.id}`;
  return [
    { tenantId: asset.tenantId, meter: 'uploads', amount: 1, source },
    { tenantId: asset.tenantId, meter: 'upload_bytes', amount: asset.size, source },
  ];
}

/** An import item settled (imported, skipped or failed: its final states). */
export function importItemUsage(item: { id: string; tenantId: string }): UsageEvent {
  return { tenantId: item.tenantId, meter: 'import_items', amount: 1, source: `import-item:${item.id}` };
}

/** A webhook attempt recorded, whatever its outcome (an attempt made again after a crash keeps its row, so its id). */
export function webhookAttemptUsage(attempt: { id: string; tenantId: string }): UsageEvent {
  return { tenantId: attempt.tenantId, meter: 'webhook_deliveries', amount: 1, source: `webhook-attempt:${attempt.id}` };
}

/** A render the delivery server stored (its object key names it: the same render stored again counts once). */
export function deliveryRenderUsage(render: { tenantId: string; key: string }): UsageEvent {
  return { tenantId: render.tenantId, meter: 'image_renders', amount: 1, source: `delivery-render:${render.key}` };
}
