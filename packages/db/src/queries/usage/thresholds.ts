import { QUOTA_WARNING_SHARE, type QuotaName, type TenantQuotas } from '@darkroom/core/contract/usage';
import type { TenantEventType } from '@darkroom/core/contract/event';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../client.js';
import { recordTenantEvent } from '../events.js';
import type { MovedCounter } from './record.js';

type Level = 'warning' | 'reached';
const EVENT_OF: Record<Level, TenantEventType> = { warning: 'tenant.quota.warning', reached: 'tenant.quota.reached' };

interface Crossing {
  tenantId: string;
  quota: QuotaName;
  limit: number;
  used: number;
  /** The notice's month: a level quota (storedBytes, period 'all') warns once a month too. */
  month: string;
  level: Level;
}

/** The levels a counter stands at against its limit: none below 80 %, the warning from there, both at 100 %. */
function levelsOf(used: number, limit: number): Level[] {
  if (used >= limit) return ['warning', 'reached'];
  return used >= limit * QUOTA_WARNING_SHARE ? ['warning'] : [];
}

async function limitsOf(db: Executor, tenantIds: readonly string[]): Promise<Map<string, TenantQuotas>> {
  const ids = sql.join(
    tenantIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = await db.execute<{ id: string; quotas: TenantQuotas }>(sql`select id, quotas from tenants where id in (${ids})`);
  return new Map([...rows].map((r) => [r.id, r.quotas]));
}

/**
 * Raises `tenant.quota.warning` (80 %) and `tenant.quota.reached` (100 %) for the counters a write
 * moved (`recordUsage`'s answer, the ledger's): each at most once per tenant, quota and month,
 * whatever processes cross at once (the `quota_notices` row is inserted first, on conflict nothing,
 * and only its inserter writes the event). Call it in the transaction of the write where there is
 * one; it makes its own (a savepoint inside the caller's) so a notice never stands without its event.
 * A write that moved no counter, or moved counters that answered their limits and crossed nothing,
 * costs nothing.
 */
export async function noteQuotaThresholds(db: Executor, moved: readonly MovedCounter[], at = new Date()): Promise<number> {
  if (moved.length === 0) return 0;
  const month = at.toISOString().slice(0, 7);
  const unread = [...new Set(moved.filter((m) => m.limit === undefined).map((m) => m.tenantId))];
  const limits = unread.length > 0 ? await limitsOf(db, unread) : new Map<string, TenantQuotas>();
  const crossings: Crossing[] = moved.flatMap((m) => {
    const limit = m.limit ?? limits.get(m.tenantId)?.[m.quota];
    if (typeof limit !== 'number') return [];
    // A monthly counter of an earlier month (an event counted late) raises nothing now.
    if (m.period !== 'all' && m.period !== month) return [];
    return levelsOf(m.used, limit).map((level) => ({ tenantId: m.tenantId, quota: m.quota, limit, used: m.used, month, level }));
  });
  if (crossings.length === 0) return 0;
  return db.transaction(async (tx) => {
    let raised = 0;
    for (const c of crossings) {
      const fresh = await tx.execute(sql`
        insert into quota_notices (tenant_id, quota, period, level) values (${c.tenantId}::uuid, ${c.quota}, ${c.month}, ${c.level})
        on conflict do nothing returning 1`);
      if (fresh.length === 0) continue;
      await recordTenantEvent(tx, {
        type: EVENT_OF[c.level],
        tenantId: c.tenantId,
        data: { quota: c.quota, limit: c.limit, used: c.used, period: c.month },
      });
      raised++;
    }
    return raised;
  });
}
