import { and, count, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { webhookDeliveries, type WebhookDelivery } from '../webhook-schema.js';

export interface NewDelivery {
  tenantId: string;
  webhookId: string;
  eventId: string;
}

/** Deliveries due now; returns their rows (for the caller to enqueue once committed). */
export async function insertDeliveries(db: Executor, params: { deliveries: NewDelivery[] }): Promise<WebhookDelivery[]> {
  if (params.deliveries.length === 0) return [];
  return db
    .insert(webhookDeliveries)
    .values(params.deliveries.map((d) => ({ id: newId(), ...d, state: 'pending' as const, nextAttemptAt: sql`now()` })))
    .returning();
}

export async function getDelivery(db: Executor, params: { id: string }): Promise<WebhookDelivery | undefined> {
  const [delivery] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, params.id));
  return delivery;
}

/**
 * Takes the lease of a delivery's next attempt: only a pending delivery that is due and not leased
 * by another worker. Undefined otherwise (finished, not due yet, or in another worker's hands), so
 * a duplicate queue entry never makes a second attempt at once.
 */
export async function claimDelivery(db: Executor, params: { id: string; leaseMs: number }): Promise<WebhookDelivery | undefined> {
  const now = sql`now()`;
  const [delivery] = await db
    .update(webhookDeliveries)
    .set({ lockedUntil: sql`now() + ${`${params.leaseMs} milliseconds`}::interval`, updatedAt: now })
    .where(
      and(
        eq(webhookDeliveries.id, params.id),
        eq(webhookDeliveries.state, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, now)),
      ),
    )
    .returning();
  return delivery;
}

export type AttemptOutcome = { state: 'succeeded' } | { state: 'failed' } | { state: 'pending'; delayMs: number };

/**
 * Counts the attempt that finished and moves the delivery on: done, failed for good, or due again
 * after `delayMs` (by the database's clock, which the claim reads too). A delivery abandoned
 * meanwhile (its webhook disabled) stays failed. Returns when the next attempt is due, if any.
 */
export async function finishDelivery(db: Executor, params: { id: string; outcome: AttemptOutcome }): Promise<Date | null> {
  const { outcome } = params;
  const [row] = await db
    .update(webhookDeliveries)
    .set({
      state: outcome.state,
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      nextAttemptAt: outcome.state === 'pending' ? sql`now() + ${`${outcome.delayMs} milliseconds`}::interval` : null,
      lockedUntil: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(webhookDeliveries.id, params.id), eq(webhookDeliveries.state, 'pending')))
    .returning({ nextAttemptAt: webhookDeliveries.nextAttemptAt });
  return row?.nextAttemptAt ?? null;
}

/** Ends a delivery without an attempt (its webhook was disabled or deleted). */
export async function abandonDelivery(db: Executor, params: { id: string }): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ state: 'failed', nextAttemptAt: null, lockedUntil: null, updatedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.id, params.id), eq(webhookDeliveries.state, 'pending')));
}

/** A disabled webhook's pending deliveries end as failed: nothing more is sent to it. Returns how many. */
export async function abandonWebhookDeliveries(db: Executor, params: { webhookId: string }): Promise<number> {
  const rows = await db
    .update(webhookDeliveries)
    .set({ state: 'failed', nextAttemptAt: null, updatedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.webhookId, params.webhookId), eq(webhookDeliveries.state, 'pending')))
    .returning({ id: webhookDeliveries.id });
  return rows.length;
}

/**
 * Pending deliveries that were due before `dueBefore` and are in no worker's hands: their queue
 * entry should have run by now, so the sweep enqueues them again (deduped by delivery and attempt).
 */
export async function listOverdueDeliveries(db: Executor, params: { dueBefore: Date; limit: number }): Promise<WebhookDelivery[]> {
  const now = sql`now()`;
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.state, 'pending'),
        lt(webhookDeliveries.nextAttemptAt, params.dueBefore),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, now)),
      ),
    )
    .orderBy(webhookDeliveries.nextAttemptAt)
    .limit(params.limit);
}

/** Pending deliveries in Postgres: the backlog, whatever Redis holds. */
export async function countPendingDeliveries(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.state, 'pending'));
  return row?.n ?? 0;
}
