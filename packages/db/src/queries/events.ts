import { and, asc, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { assetSnapshot } from '../views.js';
import type { Executor } from '../client.js';
import type { AssetEventType, EventType, PurgeList, QuotaEventData, TenantEventType } from '@darkroom/core/contract/event';
import type { ImportEventType, ImportView } from '@darkroom/core/contract/import';
import { events, variants, type Asset, type AssetStatus, type Event, type NewEvent } from '../schema.js';

/** The channel every API process LISTENs on: the payload is `{ id, tenantId, assetId }`, sent at commit. */
export const EVENTS_CHANNEL = 'darkroom_events';

export interface EventNotice {
  id: string;
  tenantId: string;
  /** Null for an import's event. */
  assetId: string | null;
}

/**
 * Writes the event of an asset change. Call it in the transaction that made the change: the event
 * and the change commit together or not at all, and the NOTIFY is delivered only at that commit.
 * `status` is the status to show (a deletion shows the last one the tenant saw); `purge`, what a CDN
 * should forget of the asset (an `asset.updated` that a visibility change made).
 */
export async function recordAssetEvent(
  tx: Executor,
  params: { type: AssetEventType; asset: Asset; status?: AssetStatus | undefined; purge?: PurgeList | undefined },
): Promise<Event> {
  // In the order GET shows them (listVariantsByAsset): smallest first, then the preset's order.
  const rows = await tx
    .select()
    .from(variants)
    .where(eq(variants.assetId, params.asset.id))
    .orderBy(asc(variants.width), asc(variants.height), asc(variants.id));
  const data = { asset: assetSnapshot(params.asset, rows, params.status), ...(params.purge ? { purge: params.purge } : {}) };
  return insertEvent(tx, { tenantId: params.asset.tenantId, assetId: params.asset.id, type: params.type, data });
}

/** Writes an import's event (`import.done`, `.failed`, `.canceled`) in the transaction that ended it. */
export async function recordImportEvent(tx: Executor, params: { type: ImportEventType; tenantId: string; importView: ImportView }): Promise<Event> {
  const { tenantId, importView } = params;
  return insertEvent(tx, { tenantId, importId: importView.id, type: params.type, data: { import: importView } });
}

/** Writes a tenant's quota event (`tenant.quota.warning`, `.reached`): no asset, no import. */
export async function recordTenantEvent(tx: Executor, params: { type: TenantEventType; tenantId: string; data: QuotaEventData }): Promise<Event> {
  return insertEvent(tx, { tenantId: params.tenantId, type: params.type, data: params.data });
}

async function insertEvent(tx: Executor, values: Pick<NewEvent, 'tenantId' | 'assetId' | 'importId' | 'type' | 'data'>): Promise<Event> {
  // id and created_at from one clock reading in the database, so id order is time order (0004 migration).
  const [event] = await tx
    .insert(events)
    .values({ ...values, id: sql`darkroom_event_id(clock_timestamp())`, createdAt: sql`clock_timestamp()` })
    .returning();
  const notice: EventNotice = { id: event!.id, tenantId: event!.tenantId, assetId: event!.assetId };
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(notice)})`);
  return event!;
}

/**
 * Only events older than every transaction still open may be read: an open transaction may yet
 * commit an event with an earlier id, and a reader that had moved past that id would never see it.
 * Every event-writing transaction started before its event's created_at, so `settledBound` (the
 * start of the oldest open write transaction, read in a statement of its own before the events)
 * is a safe upper bound. (pg_stat_activity shows other sessions' xact_start to the same role:
 * Darkroom's processes share one.)
 */
const settledBefore = (bound: Date): SQL => lt(events.createdAt, bound);

export interface ListEventsParams {
  tenantId: string;
  /** Only events after this id (exclusive); from the oldest kept when absent. */
  after?: string | undefined;
  types?: readonly EventType[] | undefined;
  assetId?: string | undefined;
  limit: number;
}

/** A tenant's settled events, oldest first; `nextCursor` is the last id when there may be more. */
export async function listEvents(db: Executor, params: ListEventsParams): Promise<{ items: Event[]; nextCursor: string | null }> {
  const bound = await settledBound(db);
  const rows = await db
    .select()
    .from(events)
    .where(
      and(
        eq(events.tenantId, params.tenantId),
        params.after ? gt(events.id, params.after) : undefined,
        params.types?.length ? inArray(events.type, [...params.types]) : undefined,
        params.assetId ? eq(events.assetId, params.assetId) : undefined,
        settledBefore(bound),
      ),
    )
    .orderBy(asc(events.id))
    .limit(params.limit + 1);
  const items = rows.slice(0, params.limit);
  return { items, nextCursor: rows.length > params.limit ? items[items.length - 1]!.id : null };
}

/** Where a live stream of a tenant's (or one asset's) events starts: see `eventCursor`. */
export interface EventCursor {
  /** The newest settled event: a stream that starts now has delivered everything up to here. */
  settled: string | undefined;
  /** The newest committed event, settled or not: a stream must read at least this far before it rests. */
  latest: string | undefined;
}

/**
 * The start of a live stream. Events after `settled` are read as they settle; `latest` tells the
 * stream it is not caught up while an event committed before it subscribed is still unsettled
 * (its NOTIFY may have come before the stream was listening).
 */
export async function eventCursor(db: Executor, params: { tenantId: string; assetId?: string | undefined }): Promise<EventCursor> {
  const scope = and(eq(events.tenantId, params.tenantId), params.assetId ? eq(events.assetId, params.assetId) : undefined);
  const newest = (where: SQL | undefined) => db.select({ id: events.id }).from(events).where(where).orderBy(desc(events.id)).limit(1);
  const bound = await settledBound(db);
  const [[settledRow], [latestRow]] = await Promise.all([newest(and(scope, settledBefore(bound))), newest(scope)]);
  return { settled: settledRow?.id, latest: latestRow?.id };
}

export async function getTenantEvent(db: Executor, params: { tenantId: string; id: string }): Promise<Event | undefined> {
  const [event] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, params.id), eq(events.tenantId, params.tenantId)));
  return event;
}

export async function getEvent(db: Executor, params: { id: string }): Promise<Event | undefined> {
  const [event] = await db.select().from(events).where(eq(events.id, params.id));
  return event;
}

/**
 * The time before which every event is settled, read on its own (see `settledBefore` above). Reading it
 * in a statement of its own, before the events, closes a gap a single statement leaves: there the
 * events' snapshot is taken first, and a transaction that commits between that snapshot and the
 * read of pg_stat_activity is in neither, while its event sits below the bound. Call it as the
 * first read of pg_stat_activity in its transaction (the view is cached per transaction).
 */
export async function settledBound(db: Executor): Promise<Date> {
  const rows = await db.execute<{ ms: number }>(sql`select extract(epoch from coalesce(min(xact_start), clock_timestamp()))::float8 * 1000 as ms
    from pg_stat_activity where backend_xid is not null and datname = current_database() and pid <> pg_backend_pid()`);
  // Rounded down to the millisecond a Date holds: an earlier bound is only more careful.
  return new Date(Math.floor(Number(rows[0]!.ms)));
}

export type EventHead = Pick<Event, 'id' | 'tenantId' | 'type' | 'createdAt'>;

/**
 * Every tenant's events after `after` created before `bound` (from `settledBound`), oldest first,
 * without their data: the webhook dispatcher's walk over the outbox.
 */
export async function listEventsBefore(db: Executor, params: { after: string | null; bound: Date; limit: number }): Promise<EventHead[]> {
  return db
    .select({ id: events.id, tenantId: events.tenantId, type: events.type, createdAt: events.createdAt })
    .from(events)
    .where(and(params.after ? gt(events.id, params.after) : undefined, lt(events.createdAt, params.bound)))
    .orderBy(asc(events.id))
    .limit(params.limit);
}

/** Whether events after `after` exist that are not settled yet: the dispatcher looks again shortly. */
export async function hasEventsFrom(db: Executor, params: { after: string | null; from: Date }): Promise<boolean> {
  const [row] = await db
    .select({ id: events.id })
    .from(events)
    .where(and(params.after ? gt(events.id, params.after) : undefined, gte(events.createdAt, params.from)))
    .limit(1);
  return row !== undefined;
}
