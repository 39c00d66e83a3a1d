import { hasEventsFrom, listEventsBefore, settledBound, type EventHead } from '@darkroom/db/queries/events';
import { insertDeliveries, listOverdueDeliveries, type NewDelivery } from '@darkroom/db/queries/webhook-deliveries';
import { listEnabledWebhooks } from '@darkroom/db/queries/webhooks';
import { listenForEvents, type EventListener } from '@darkroom/db/listen';
import { readDispatchCursor, saveDispatchCursor, tryLockDispatcher } from '@darkroom/db/queries/webhook-dispatch';
import type { Webhook, WebhookDelivery } from '@darkroom/db/webhook-schema';
import type { WebhookQueue } from '@darkroom/queue';
import type { WorkerDeps } from '../deps.js';
import { schedulePasses } from './pass-scheduler.js';

/** Events turned into deliveries per pass (one transaction). */
const BATCH = 500;
/** A delivery due this long ago whose entry has not run counts as lost by the queue. */
const OVERDUE_MS = 2_000;
/** When settled events wait behind an open transaction, look again this soon. */
const UNSETTLED_RETRY_MS = 250;
/** The least time between two passes' starts (schedulePasses): events committed meanwhile share one. */
const PASS_GAP_MS = 200;

export interface DispatchPass {
  events: EventHead[];
  deliveries: WebhookDelivery[];
  /** A full batch: more events may follow at once. */
  more: boolean;
  /** Later events exist that an open transaction keeps from being settled yet. */
  unsettled: boolean;
}

/** Each event × every enabled webhook of its tenant that takes its type and existed when it happened. */
function matchDeliveries(events: EventHead[], webhooks: Webhook[]): NewDelivery[] {
  return events.flatMap((event) =>
    webhooks
      .filter((w) => w.tenantId === event.tenantId && w.events.includes(event.type) && w.createdAt <= event.createdAt)
      .map((w) => ({ tenantId: event.tenantId, webhookId: w.id, eventId: event.id })),
  );
}

/**
 * One pass over the outbox: the settled events after the stored cursor become delivery rows, and
 * the cursor moves past them, in one transaction under an advisory lock, so one dispatcher runs at
 * a time and a crash anywhere leaves either both or neither. Null when another worker holds the lock.
 */
export async function dispatchOnce(deps: WorkerDeps, queue: WebhookQueue): Promise<DispatchPass | null> {
  const pass = await deps.db.transaction(async (tx) => {
    if (!(await tryLockDispatcher(tx))) return null;
    // The bound first, the events after (see settledBound): no event still being committed is passed over.
    const bound = await settledBound(tx);
    const after = await readDispatchCursor(tx);
    const events = await listEventsBefore(tx, { after, bound, limit: BATCH });
    const last = events.at(-1)?.id ?? after;
    const unsettled = events.length < BATCH && (await hasEventsFrom(tx, { after: last, from: bound }));
    if (events.length === 0) return { events, deliveries: [], more: false, unsettled };
    const webhooks = await listEnabledWebhooks(tx, { tenantIds: [...new Set(events.map((e) => e.tenantId))] });
    const deliveries = await insertDeliveries(tx, { deliveries: matchDeliveries(events, webhooks) });
    await saveDispatchCursor(tx, { lastEventId: last! });
    return { events, deliveries, more: events.length === BATCH, unsettled };
  });
  if (!pass) return null;
  for (const event of pass.events) deps.metrics.eventsDispatched.inc({ type: event.type });
  await enqueueFirstAttempts(deps, queue, pass.deliveries);
  return pass;
}

async function enqueueFirstAttempts(deps: WorkerDeps, queue: WebhookQueue, deliveries: WebhookDelivery[]): Promise<void> {
  try {
    await queue.enqueue(deliveries.map((d) => ({ deliveryId: d.id, attempt: 1 })));
  } catch (err) {
    deps.log.warn({ err: (err as Error).message, deliveries: deliveries.length }, 'could not queue deliveries; the webhook sweep will');
  }
}

/**
 * Postgres holds every delivery, Redis only their entries: a due delivery that no worker holds and
 * whose entry should have run by now is queued again (deduped by delivery and attempt, so a live
 * entry is left as it is). This is what brings back deliveries Redis lost, or a crash dropped.
 */
export async function sweepOverdueDeliveries(deps: WorkerDeps, queue: WebhookQueue): Promise<number> {
  const overdue = await listOverdueDeliveries(deps.db, { dueBefore: new Date(Date.now() - OVERDUE_MS), limit: BATCH });
  if (overdue.length > 0) await queue.enqueue(overdue.map((d) => ({ deliveryId: d.id, attempt: d.attempts + 1 })));
  return overdue.length;
}

export interface RunningDispatcher {
  stop(): Promise<void>;
}

/**
 * Runs the dispatcher whenever an event commits (LISTEN on the events channel), at most one pass
 * per PASS_GAP_MS while they flow, and every `intervalMs` (a NOTIFY missed while reconnecting costs
 * at most that), plus the sweep on the tick. One pass at a time in this process; the advisory lock
 * keeps it to one across processes.
 */
export function startWebhookDispatcher(deps: WorkerDeps, queue: WebhookQueue, intervalMs: number): RunningDispatcher {
  const scheduler = schedulePasses(() => dispatchOnce(deps, queue), {
    gapMs: PASS_GAP_MS,
    unsettledRetryMs: UNSETTLED_RETRY_MS,
    onError: (err) => deps.log.warn({ err: err.message }, 'webhook dispatch failed; trying again next interval'),
  });
  const wake = scheduler.wake;
  let stopped = false;
  let listening: EventListener | null = null;
  let ticking: Promise<void> | null = null;
  const tick = async () => {
    wake();
    // Until the LISTEN is up (Postgres away at boot), the tick alone drives the dispatcher. After a
    // reconnection (onListen) notices may have been missed: a pass catches up from the cursor.
    if (!listening) listening = await listenForEvents(deps.config.databaseUrl, { onNotice: wake, onListen: wake }).catch(() => null);
    const swept = await sweepOverdueDeliveries(deps, queue).catch((err: Error) => {
      deps.log.warn({ err: err.message }, 'webhook sweep failed');
      return 0;
    });
    if (swept > 0) deps.log.info({ swept }, 're-queued overdue webhook deliveries');
  };
  const startTick = () => {
    if (stopped || ticking) return;
    ticking = tick().finally(() => (ticking = null));
  };
  const timer = setInterval(startTick, intervalMs);
  timer.unref();
  startTick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      const passesEnded = scheduler.stop();
      await ticking;
      await listening?.close().catch(() => {});
      await passesEnded;
    },
  };
}
