import { randomUUID } from 'node:crypto';
import { METERS, isLevelMeter, type CountedMeter } from '@darkroom/core/contract/usage';
import type { Database } from '@darkroom/db/client';
import { noteQuotaThresholds, recordUsage, type UsageEvent } from '@darkroom/db/queries/usage';

/**
 * Counts kept in this process's memory (bucket requests, presigned URLs, delivery requests and
 * bytes) and written every few seconds: a request pays an addition, never a statement.
 */
export interface UsageCounters {
  /** Adds to a tenant's meter (null: the deployment's) in the current hour. */
  add(tenantId: string | null, meter: CountedMeter, amount: number): void;
  /** Writes what was counted so far (a failed batch first, under its own key); never throws: it logs. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left. */
  stop(): Promise<void>;
}

/** What a flush's failure is logged with: pino's shape. */
export interface UsageLog {
  warn(object: object, message: string): void;
}

export interface UsageCountersOptions {
  db: Database;
  /** Names the process in each batch's key (`api`, `worker`, `delivery`). */
  processName: string;
  /** USAGE_FLUSH_SECONDS: a kill loses at most this much of the counts. */
  flushSeconds: number;
  log: UsageLog;
}

const COUNTED = METERS.filter((meter): meter is CountedMeter => !isLevelMeter(meter));
/** Each counted meter's place in a tenant's row of sums. */
const METER_INDEX = Object.fromEntries(COUNTED.map((meter, index) => [meter, index])) as Record<CountedMeter, number>;
const HOUR_MS = 3_600_000;

/** One hour's sums: a row of every counted meter per tenant (null: the deployment). */
type HourSums = Map<string | null, Float64Array>;

/**
 * One batch's events: a row per tenant, hour and meter with anything counted. Each event's source
 * is the batch's key with its tenant and hour, unique per meter (`usage_events`' key is
 * `(source, meter)`), so a batch written twice counts once.
 */
function batchEvents(hours: Map<number, HourSums>, batchKey: string): UsageEvent[] {
  const events: UsageEvent[] = [];
  for (const [hour, tenants] of hours) {
    const at = new Date(hour);
    for (const [tenantId, sums] of tenants) {
      const source = `${batchKey}:${tenantId ?? 'deployment'}:${at.toISOString()}`;
      COUNTED.forEach((meter, index) => {
        if (sums[index] !== 0) events.push({ tenantId, meter, amount: sums[index]!, source, at });
      });
    }
  }
  return events;
}

/** Counters flushed every `flushSeconds` under `flush:<process>:<sequence>` (docs/operations.md#usage). */
export function createUsageCounters(options: UsageCountersOptions): UsageCounters {
  const { db, log } = options;
  const processId = `${options.processName}.${randomUUID()}`;
  let hours = new Map<number, HourSums>();
  let hourStart = -1;
  let current: HourSums = new Map();
  let sequence = 0;
  /** The batch being written, or one that failed: written again, as it was, before anything newer. */
  let pending: UsageEvent[] | null = null;
  let running: Promise<void> = Promise.resolve();

  function take(): UsageEvent[] | null {
    if (hours.size === 0) return null;
    const taken = hours;
    hours = new Map();
    hourStart = -1;
    sequence += 1;
    return batchEvents(taken, `flush:${processId}:${sequence}`);
  }

  async function writePending(): Promise<void> {
    pending ??= take();
    const batch = pending;
    if (!batch) return;
    try {
      // The batch and the quota events it crosses (deliveryBytesPerMonth) commit together.
      await db.transaction(async (tx) => void (await noteQuotaThresholds(tx, await recordUsage(tx, batch))));
      pending = null;
    } catch (err) {
      log.warn({ err, events: batch.length }, 'usage counts not written: tried again at the next flush');
    }
  }

  async function flushOnce(): Promise<void> {
    const retried = pending !== null;
    await writePending();
    // A retried batch went through: what was counted meanwhile goes now, not a period later.
    if (retried && pending === null) await writePending();
  }

  const flush = () => {
    running = running.then(flushOnce);
    return running;
  };
  const timer = setInterval(() => void flush(), options.flushSeconds * 1000);
  timer.unref();

  return {
    add(tenantId, meter, amount) {
      const now = Date.now();
      if (now < hourStart || now >= hourStart + HOUR_MS) {
        hourStart = now - (now % HOUR_MS);
        let sums = hours.get(hourStart);
        if (!sums) {
          sums = new Map();
          hours.set(hourStart, sums);
        }
        current = sums;
      }
      let row = current.get(tenantId);
      if (!row) {
        row = new Float64Array(COUNTED.length);
        current.set(tenantId, row);
      }
      row[METER_INDEX[meter]]! += amount;
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

/** Counters that count nothing: USAGE_METERING=off, and tests that meter nothing. */
export function noUsageCounters(): UsageCounters {
  return { add() {}, flush: async () => {}, stop: async () => {} };
}
