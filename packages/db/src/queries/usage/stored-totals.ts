import { sql } from 'drizzle-orm';
import type { Executor } from '../../client.js';

/** Billed bytes the storage ledger holds, by tenant (one tenant's, when named): what the nightly check compares with a LIST. */
export async function billedBytesByTenant(db: Executor, options: { tenantId?: string | undefined } = {}): Promise<Map<string, number>> {
  const { tenantId } = options;
  const rows = await db.execute<{ tenant_id: string; bytes: string }>(sql`
    select tenant_id, sum(bytes) as bytes from stored_objects
    where billed and ${tenantId === undefined ? sql`true` : sql`tenant_id = ${tenantId}`}
    group by tenant_id`);
  return new Map([...rows].map((row) => [row.tenant_id, Number(row.bytes)]));
}
