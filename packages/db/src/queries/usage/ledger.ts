import { objectOwner } from '@darkroom/core/keys';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../client.js';
import { type MovedCounter, type MovedCounterRow, movedCounterOf } from './record.js';

/** An object the storage client stored (its whole size), or removed. */
export interface LedgerObject {
  bucket: string;
  key: string;
}
export interface LedgerWrite extends LedgerObject {
  bytes: number;
}

/**
 * What one statement of ledger changes goes on to do with the size each object gained or lost
 * (`delta`, by owner): an event on `stored_bytes` or `stored_bytes_unbilled` for the rollup (one per
 * tenant and meter, the statement's sum), and the `storedBytes` quota counter of a tenant that has
 * one (answered: the counters moved). Sources are random: a ledger change is idempotent by itself
 * (writing an object again at its size moves nothing).
 */
function storeDeltas(changes: SQL): SQL {
  return sql`
    ${changes}, moved as (
      insert into usage_events (tenant_id, meter, amount, source)
      select tenant_id, case when billed then 'stored_bytes' else 'stored_bytes_unbilled' end, sum(delta), 'object:' || gen_random_uuid()
      from d group by tenant_id, billed having sum(delta) <> 0
      returning 1
    )
    update quota_counters q set used = q.used + s.delta
    from (select tenant_id, sum(delta) as delta from d where billed group by 1) s
    where s.delta <> 0 and q.tenant_id = s.tenant_id and q.quota = 'storedBytes' and q.period = 'all'
    returning q.tenant_id, q.quota, q.period, q.used, (select t.quotas ->> 'storedBytes' from tenants t where t.id = q.tenant_id) as limit`;
}

/** The storedBytes counters a ledger statement moved, as recordUsage answers its own (for noteQuotaThresholds). */
async function movedBy(db: Executor, statement: SQL): Promise<MovedCounter[]> {
  return [...(await db.execute<MovedCounterRow>(statement))].map(movedCounterOf);
}

/**
 * Records objects the storage client wrote (after the bucket answered: a crash before this leaves an
 * object nothing refers to, which the orphan sweep removes). Writing a key again replaces its size.
 */
export async function recordObjectsWritten(db: Executor, writes: readonly LedgerWrite[]): Promise<MovedCounter[]> {
  if (writes.length === 0) return [];
  const values = sql.join(
    writes.map((w) => {
      const owner = objectOwner(w.key);
      return sql`(${w.bucket}::text, ${w.key}::text, ${owner.tenantId}::uuid, ${owner.billed}::boolean, ${w.bytes}::bigint)`;
    }),
    sql`, `,
  );
  return movedBy(
    db,
    storeDeltas(sql`
      with v (bucket, key, tenant_id, billed, bytes) as (values ${values}),
      old as (select s.bucket, s.key, s.bytes from stored_objects s join v using (bucket, key)),
      up as (
        insert into stored_objects (bucket, key, tenant_id, billed, bytes)
        select distinct on (bucket, key) bucket, key, tenant_id, billed, bytes from v
        on conflict (bucket, key) do update set bytes = excluded.bytes, written_at = now()
        returning bucket, key, tenant_id, billed, bytes
      ),
      d as (select up.tenant_id, up.billed, up.bytes - coalesce(old.bytes, 0) as delta from up left join old using (bucket, key))`),
  );
}

/** Records objects the storage client deleted (every version): a key it never recorded moves nothing. */
export async function recordObjectsDeleted(db: Executor, objects: readonly LedgerObject[]): Promise<MovedCounter[]> {
  if (objects.length === 0) return [];
  const values = sql.join(
    objects.map((o) => sql`(${o.bucket}::text, ${o.key}::text)`),
    sql`, `,
  );
  return movedBy(
    db,
    storeDeltas(sql`
      with gone as (
        delete from stored_objects s using (values ${values}) v (bucket, key)
        where s.bucket = v.bucket and s.key = v.key
        returning s.tenant_id, s.billed, s.bytes
      ),
      d as (select tenant_id, billed, -bytes as delta from gone)`),
  );
}
