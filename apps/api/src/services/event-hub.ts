import { ERRORS } from '@darkroom/core/error-factories';
import { MAX_LIVE_STREAMS_PER_UPLOAD_TOKEN } from '@darkroom/core/limits';
import { eventCursor, listEvents } from '@darkroom/db/queries/events';
import type { AssetProgressNotice } from '@darkroom/db/queries/jobs';
import type { ImportProgressNotice, EventListener, EventListenerHandlers } from '@darkroom/db/listen';
import type { Database } from '@darkroom/db/client';
import type { Event } from '@darkroom/db/schema';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Live events for one API process (docs/architecture.md#live-status). One LISTEN connection tells the hub
 * that some tenant's event committed; every subscriber of that tenant (or asset) then reads the
 * outbox after the last id it delivered. Postgres stays the only source of events, so a subscriber
 * never misses or repeats one, whichever process wrote it, across reconnections of the listener.
 */

/** Where a subscriber's events go. `deliver` resolves once they are written (the hub reads no more until then). */
export interface EventSink {
  deliver(events: Event[]): Promise<void>;
  /**
   * A job's progress, live-only: passed on as it comes (at most once a second per asset, the
   * worker's pace), never stored, so a client that missed one just sees the next.
   */
  progress(notice: AssetProgressNotice): void;
  /** An import's counts as it runs, live-only as a job's progress (tenant-wide streams only). */
  importProgress(notice: ImportProgressNotice): void;
  /** The hub is shutting down: end the stream. */
  end(): void;
}

export interface Subscription {
  /** Starts delivery: everything after the subscription's start, then each event as it settles. */
  start(sink: EventSink): void;
  close(): void;
}

export interface EventHub {
  /**
   * Takes a stream slot (`429 rate_limited` past the tenant's, or an upload token's own, `503
   * service_unavailable` past the process's) and fixes where the stream starts: after `after`, else
   * after the newest settled event.
   */
  subscribe(params: SubscribeParams): Promise<Subscription>;
  /** Ends every stream and stops listening. */
  close(): Promise<void>;
}

export interface SubscribeParams {
  tenantId: string;
  assetId?: string | undefined;
  after?: string | undefined;
  /** A stream an upload token opens: counted against the token's cap, not the tenant's slots. */
  uploadTokenId?: string | undefined;
}

export interface EventHubOptions {
  db: Database;
  listen(handlers: EventListenerHandlers): Promise<EventListener>;
  log: Pick<FastifyBaseLogger, 'warn'>;
  limits: { maxPerTenant: number; maxTotal: number };
  /** First and longest wait before reading again while a notified event is not visible yet. */
  retryMs?: { first: number; max: number };
}

interface Subscriber {
  tenantId: string;
  assetId: string | undefined;
  uploadTokenId: string | undefined;
  /** The last event delivered (or the start): the next read is after it. */
  lastId: string | undefined;
  /** The newest event known to be committed: until delivered, the subscriber keeps reading. */
  wanted: string | undefined;
  sink: EventSink | undefined;
  reading: boolean;
  readAgain: boolean;
  closed: boolean;
  retryTimer: NodeJS.Timeout | undefined;
  retryMs: number;
}

const PAGE = 100;

const later = (a: string | undefined, b: string | undefined) => (a === undefined || (b !== undefined && b > a) ? b : a);

const behind = (sub: Subscriber) => sub.wanted !== undefined && (sub.lastId === undefined || sub.lastId < sub.wanted);

export function createEventHub(options: EventHubOptions): EventHub {
  return new LiveEventHub(options);
}

class LiveEventHub implements EventHub {
  private readonly byTenant = new Map<string, Set<Subscriber>>();
  private readonly retry: { first: number; max: number };
  private total = 0;
  private closing = false;
  private listener: Promise<EventListener> | undefined;
  private readonly handlers: EventListenerHandlers = {
    onNotice: (notice) => {
      for (const sub of this.byTenant.get(notice.tenantId) ?? []) {
        if (sub.assetId !== undefined && sub.assetId !== notice.assetId) continue;
        if (sub.lastId !== undefined && notice.id <= sub.lastId) continue;
        sub.wanted = later(sub.wanted, notice.id);
        void this.read(sub);
      }
    },
    onProgress: (notice) => {
      for (const sub of this.byTenant.get(notice.tenantId) ?? []) {
        if (sub.closed || (sub.assetId !== undefined && sub.assetId !== notice.assetId)) continue;
        sub.sink?.progress(notice);
      }
    },
    onImportProgress: (notice) => {
      for (const sub of this.byTenant.get(notice.tenantId) ?? []) {
        if (!sub.closed && sub.assetId === undefined) sub.sink?.importProgress(notice);
      }
    },
    onListen: () => {
      for (const subs of this.byTenant.values()) for (const sub of subs) if (sub.sink) void this.catchUp(sub);
    },
  };

  constructor(private readonly options: EventHubOptions) {
    this.retry = options.retryMs ?? { first: 25, max: 2000 };
  }

  async subscribe(params: SubscribeParams): Promise<Subscription> {
    // The slot is taken before listening, so notices that arrive meanwhile already count.
    const sub = this.take(params);
    try {
      await this.listening();
      const cursor = await eventCursor(this.options.db, { tenantId: params.tenantId, assetId: params.assetId });
      sub.lastId = params.after ?? cursor.settled;
      sub.wanted = later(sub.wanted, cursor.latest);
    } catch (error) {
      this.release(sub);
      throw error;
    }
    return {
      start: (sink) => {
        sub.sink = sink;
        if (this.closing) sink.end();
        else void this.read(sub);
      },
      close: () => this.release(sub),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const subs of [...this.byTenant.values()]) {
      for (const sub of [...subs]) {
        this.release(sub);
        sub.sink?.end();
      }
    }
    const open = this.listener;
    this.listener = undefined;
    await open?.then(
      (l) => l.close(),
      () => {},
    );
  }

  /** Delivers what has settled after `lastId`, page by page; one read at a time per subscriber. */
  private async read(sub: Subscriber): Promise<void> {
    if (!sub.sink || sub.closed) return;
    if (sub.reading) {
      sub.readAgain = true;
      return;
    }
    sub.reading = true;
    try {
      do {
        sub.readAgain = false;
        const page = await listEvents(this.options.db, { tenantId: sub.tenantId, assetId: sub.assetId, after: sub.lastId, limit: PAGE });
        if (sub.closed) return;
        if (page.items.length > 0) {
          await sub.sink.deliver(page.items);
          // Only once delivered: a delivery that failed is read and tried again, not skipped.
          sub.lastId = page.items[page.items.length - 1]!.id;
        }
        if (page.nextCursor) sub.readAgain = true;
      } while (sub.readAgain && !sub.closed);
      // A notified event hidden behind a transaction still open elsewhere: look again shortly.
      if (behind(sub)) this.scheduleRetry(sub);
      else sub.retryMs = this.retry.first;
    } catch (error) {
      this.options.log.warn({ err: error, tenantId: sub.tenantId }, 'could not read events for a live stream; trying again');
      this.scheduleRetry(sub);
    } finally {
      sub.reading = false;
    }
  }

  private scheduleRetry(sub: Subscriber): void {
    if (sub.retryTimer || sub.closed) return;
    sub.retryTimer = setTimeout(() => {
      sub.retryTimer = undefined;
      void this.read(sub);
    }, sub.retryMs);
    sub.retryMs = Math.min(sub.retryMs * 2, this.retry.max);
  }

  /** After a reconnection notices may have been lost: read up to the newest committed event. */
  private async catchUp(sub: Subscriber): Promise<void> {
    try {
      const { latest } = await eventCursor(this.options.db, { tenantId: sub.tenantId, assetId: sub.assetId });
      sub.wanted = later(sub.wanted, latest);
      await this.read(sub);
    } catch (error) {
      this.options.log.warn({ err: error, tenantId: sub.tenantId }, 'could not catch a live stream up; trying again');
      this.scheduleRetry(sub);
    }
  }

  private listening(): Promise<EventListener> {
    this.listener ??= this.options.listen(this.handlers).catch((error: unknown) => {
      this.listener = undefined;
      this.options.log.warn({ err: error }, 'could not LISTEN for events');
      throw ERRORS.liveEventsUnavailable();
    });
    return this.listener;
  }

  private take(params: SubscribeParams): Subscriber {
    const { maxPerTenant, maxTotal } = this.options.limits;
    if (this.closing) throw ERRORS.shuttingDown();
    const subs = this.byTenant.get(params.tenantId) ?? new Set<Subscriber>();
    // A token's streams and its tenant's keys' are counted apart: a page cannot fill the platform's slots.
    const sharing = [...subs].filter((sub) => sub.uploadTokenId === params.uploadTokenId).length;
    if (params.uploadTokenId !== undefined && sharing >= MAX_LIVE_STREAMS_PER_UPLOAD_TOKEN) {
      throw ERRORS.tooManyTokenLiveStreams(MAX_LIVE_STREAMS_PER_UPLOAD_TOKEN);
    }
    if (params.uploadTokenId === undefined && sharing >= maxPerTenant) throw ERRORS.tooManyLiveStreams(maxPerTenant);
    if (this.total >= maxTotal) throw ERRORS.noRoomForLiveStream();
    const sub: Subscriber = {
      tenantId: params.tenantId,
      assetId: params.assetId,
      uploadTokenId: params.uploadTokenId,
      lastId: undefined,
      wanted: undefined,
      sink: undefined,
      reading: false,
      readAgain: false,
      closed: false,
      retryTimer: undefined,
      retryMs: this.retry.first,
    };
    this.byTenant.set(params.tenantId, subs.add(sub));
    this.total++;
    return sub;
  }

  private release(sub: Subscriber): void {
    if (sub.closed) return;
    sub.closed = true;
    clearTimeout(sub.retryTimer);
    const subs = this.byTenant.get(sub.tenantId);
    subs?.delete(sub);
    if (subs?.size === 0) this.byTenant.delete(sub.tenantId);
    this.total--;
  }
}
