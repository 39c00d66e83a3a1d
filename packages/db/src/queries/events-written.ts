import { and, count, eq, gt, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { eventCount } from '../event-count-schema.js';
import { events } from '../schema.js';
import { settledBound } from './events.js';

/**
 * `darkroom_events_written_total`: the events ever committed, exactly. Postgres's insert statistics
 * (pg_stat_user_tables.n_tup_ins) also count the rows of transactions that rolled back, and a sequence
 * would too (a rollback does not undo nextval); a counter row that every writer updates would make
 * writers queue for it. So writers do nothing more: the events table is counted by its time-ordered
 * ids. A checkpoint row says how many events were committed up to an id; each call adds the settled
 * events after it (as the feed reads them: no transaction still open can commit an id at or below
 * them, so none is missed or counted twice), moves it forward and returns the total. The cost is an
 * index range scan over the events since the last call and one row update.
 */
export async function countEventsWritten(db: Executor): Promise<number> {
  return db.transaction(async (tx) => (await advanceEventCount(tx)).written);
}

/**
 * Counts the events settled since the checkpoint and moves it to the newest of them. Call it in a
 * transaction (it locks the checkpoint row), before any other read of pg_stat_activity there.
 */
async function advanceEventCount(tx: Executor): Promise<{ upto: string | null; written: number }> {
  const bound = await settledBound(tx);
  const [checkpoint] = await tx.select().from(eventCount).where(eq(eventCount.id, 1)).for('update');
  if (!checkpoint) throw new Error('event_count has no row: apply the migrations');
  const since = checkpoint.upto ? gt(events.id, checkpoint.upto) : undefined;
  const [added] = await tx
    // Postgres 15 has no max(uuid); as text in the C collation, uuids sort as they do as uuids.
    .select({ n: count(), last: sql<string | null>`max(${events.id}::text collate "C")::uuid` })
    .from(events)
    .where(and(since, lt(events.createdAt, bound)));
  if (!added?.last || added.n === 0) return { upto: checkpoint.upto, written: checkpoint.written };
  const next = { upto: added.last, written: checkpoint.written + added.n };
  await tx.update(eventCount).set(next).where(eq(eventCount.id, 1));
  return next;
}

/**
 * Retention (EVENT_RETENTION): deletes up to `limit` events older than `before`; returns how many.
 * They are counted first, in the same transaction, so darkroom_events_written_total never loses one.
 */
export async function deleteEventsBefore(db: Executor, params: { before: Date; limit: number }): Promise<number> {
  return db.transaction(async (tx) => {
    const { upto } = await advanceEventCount(tx);
    if (!upto) return 0;
    const doomed = tx
      .select({ id: events.id })
      .from(events)
      .where(and(lt(events.createdAt, params.before), lte(events.id, upto)))
      .limit(params.limit);
    const deleted = await tx.delete(events).where(inArray(events.id, doomed)).returning({ id: events.id });
    return deleted.length;
  });
}
