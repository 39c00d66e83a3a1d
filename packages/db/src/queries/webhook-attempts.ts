import { and, desc, eq, getTableColumns, inArray, lte, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { newId } from '../ids.js';
import { olderThanCursor, toPage, type Page } from '../pagination.js';
import type { EventType } from '@darkroom/core/contract/event';
import { webhookAttempts, type AttemptStatus, type WebhookAttempt } from '../webhook-schema.js';

export interface StartAttempt {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  eventType: EventType;
  attempt: number;
}

/**
 * The log row of an attempt about to be made, `pending` while it is in flight. An attempt whose
 * worker died is made again under the same number, so its row is taken over rather than doubled.
 */
export async function startAttempt(db: Executor, params: StartAttempt): Promise<WebhookAttempt> {
  const [row] = await db
    .insert(webhookAttempts)
    .values({ id: newId(), ...params, status: 'pending', attemptedAt: sql`now()` })
    .onConflictDoUpdate({
      target: [webhookAttempts.deliveryId, webhookAttempts.attempt],
      set: {
        status: 'pending',
        attemptedAt: sql`now()`,
        responseStatus: null,
        responseBody: null,
        error: null,
        durationMs: null,
        nextAttemptAt: null,
      },
    })
    .returning();
  return row!;
}

export interface AttemptResult {
  status: Exclude<AttemptStatus, 'pending'>;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  /** When the next attempt is due; null when this one was the last. */
  nextAttemptAt: Date | null;
}

export async function finishAttempt(db: Executor, params: { id: string; result: AttemptResult }): Promise<void> {
  await db.update(webhookAttempts).set(params.result).where(eq(webhookAttempts.id, params.id));
}

/** A webhook's delivery log, newest first (keyset on the time-ordered id). */
export async function listWebhookAttempts(
  db: Executor,
  params: { webhookId: string; limit: number; cursor?: string | undefined },
): Promise<Page<WebhookAttempt>> {
  const rows = await db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.webhookId, params.webhookId), params.cursor ? olderThanCursor(webhookAttempts.id, params.cursor) : undefined))
    .orderBy(desc(webhookAttempts.id))
    .limit(params.limit + 1);
  return toPage(rows, params.limit);
}

/** The newest `perWebhook` failed attempts of each webhook given, newest first (one query, for the admin console). */
export async function listRecentFailedAttempts(db: Executor, params: { webhookIds: string[]; perWebhook: number }): Promise<WebhookAttempt[]> {
  if (params.webhookIds.length === 0) return [];
  const ranked = db.$with('ranked').as(
    db
      .select({
        id: webhookAttempts.id,
        rank: sql<number>`row_number() over (partition by ${webhookAttempts.webhookId} order by ${webhookAttempts.id} desc)`.as('rank'),
      })
      .from(webhookAttempts)
      .where(and(inArray(webhookAttempts.webhookId, params.webhookIds), eq(webhookAttempts.status, 'failed'))),
  );
  return db
    .with(ranked)
    .select(getTableColumns(webhookAttempts))
    .from(webhookAttempts)
    .innerJoin(ranked, eq(ranked.id, webhookAttempts.id))
    .where(lte(ranked.rank, params.perWebhook))
    .orderBy(desc(webhookAttempts.id));
}
