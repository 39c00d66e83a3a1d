import type { Database } from '@darkroom/db/client';
import { sql } from 'drizzle-orm';

/** What a tenant's events add up to, by meter, and how many events each meter has. */
export async function recorded(db: Database, tenantId: string): Promise<Record<string, { sum: number; events: number }>> {
  const rows = await db.execute<{ meter: string; sum: string; events: string }>(
    sql`select meter, sum(amount) as sum, count(*) as events from usage_events where tenant_id = ${tenantId} group by meter`,
  );
  return Object.fromEntries([...rows].map((r) => [r.meter, { sum: Number(r.sum), events: Number(r.events) }]));
}

/** A database whose transactions commit, then fail the first `failures` times: the write committed, the caller never heard. */
export function failingAfterCommit(db: Database, failures: number): Database {
  let left = failures;
  return new Proxy(db, {
    get(target, name, receiver) {
      if (name !== 'transaction') return Reflect.get(target, name, receiver);
      return async (...args: Parameters<Database['transaction']>) => {
        const result = await target.transaction(...args);
        if (left-- > 0) throw new Error('connection lost after the commit');
        return result;
      };
    },
  });
}

/** A log that keeps the warnings (pino's shape). */
export function keptLog(): { warnings: object[]; info(): void; warn(object: object): void } {
  const warnings: object[] = [];
  return { warnings, info() {}, warn: (object: object) => void warnings.push(object) };
}
