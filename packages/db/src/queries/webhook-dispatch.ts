import { sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { webhookDispatch } from '../webhook-schema.js';

/** The advisory lock key of the dispatcher (any constant; "darkroom webhook dispatch"). */
const DISPATCH_LOCK = 0x64726b77;

/** Whether this transaction is the one dispatcher: held until it ends, so a crash frees it. */
export async function tryLockDispatcher(tx: Executor): Promise<boolean> {
  const rows = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${DISPATCH_LOCK}) as locked`);
  return rows[0]?.locked === true;
}

/** The last event id turned into deliveries; null to start from the oldest event kept. */
export async function readDispatchCursor(tx: Executor): Promise<string | null> {
  const [row] = await tx.select().from(webhookDispatch);
  return row?.lastEventId ?? null;
}

export async function saveDispatchCursor(tx: Executor, params: { lastEventId: string }): Promise<void> {
  await tx
    .insert(webhookDispatch)
    .values({ id: 1, lastEventId: params.lastEventId })
    .onConflictDoUpdate({ target: webhookDispatch.id, set: { lastEventId: params.lastEventId, updatedAt: sql`now()` } });
}
