import { randomUUID } from 'node:crypto';
import type { CountedMeter } from '@darkroom/core/contract/usage';
import type { Database } from '@darkroom/db/client';
import type { UsageEvent } from '@darkroom/db/queries/usage';
import { batchEvents, batchKeyOf, HOUR_MS, METER_INDEX, rowOf, type BatchSums, type HourSums } from './batch.js';
import { createReplays, writeBatch, type ReplayLog } from './replay.js';
import { createSpoolWriter, removeSpoolFile, type SpoolPlace } from './spool.js';
import { thisProcess, type SpoolOwner } from './spool-owner.js';

/**
 * Counts kept in this process's memory (bucket requests, presigned URLs, delivery requests and
 * bytes) and written every few seconds: a request pays an addition (and, spooled, a write(2)), never a statement.
 */
export interface UsageCounters {
  /** Adds to a tenant's meter (null: the deployment's) in the current hour. */
  add(tenantId: string | null, meter: CountedMeter, amount: number): void;
  /** Writes what was counted so far (a failed batch first, under its own key); never throws: it logs. */
  flush(): Promise<void>;
  /** Writes the spooled batches of processes that are gone (done at creation, and every minute); never throws: it logs. */
  replay(): Promise<void>;
  /** Stops the timer and flushes what is left. */
  stop(): Promise<void>;
}

/** What the counters log with: pino's shape. */
export type UsageLog = ReplayLog;

export interface UsageCountersOptions {
  db: Database;
  /** Names the process in each batch's key (`api`, `worker`, `delivery`). */
  processName: string;
  /** USAGE_FLUSH_SECONDS: how often the counts are written. */
  flushSeconds: number;
  log: UsageLog;
  /**
   * USAGE_SPOOL_DIR and the database's tag: each count is appended there before `add` returns, so a
   * kill loses none of them. Absent (the delivery server): a kill loses up to `flushSeconds` of them.
   */
  spool?: SpoolPlace | undefined;
  /** Who the spool's files are written as, and whose replays leave alone (tests: a process that is gone); default this process. */
  owner?: SpoolOwner | undefined;
}

/** A batch taken to be written: its events, and its spool file, removed once they commit. */
interface Taken {
  events: UsageEvent[];
  file: string | null;
}

/** Counters flushed every `flushSeconds` under `flush:<process>:<sequence>` (docs/operations.md#usage). */
export function createUsageCounters(options: UsageCountersOptions): UsageCounters {
  const { db, log, spool } = options;
  if (!/^[a-z0-9-]+$/.test(options.processName)) throw new Error(`usage counters: process name ${options.processName} is not [a-z0-9-]+`);
  const processId = `${options.processName}.${randomUUID()}`;
  const owner = options.owner ?? thisProcess();
  const writer = spool ? createSpoolWriter({ place: spool, owner, processId, log }) : null;
  let hours: BatchSums = new Map();
  let hourStart = -1;
  let current: HourSums = new Map();
  let sequence = 0;
  /** The batch being written, or one that failed: written again, as it was, before anything newer. */
  let pending: Taken | null = null;
  let running: Promise<void> = Promise.resolve();

  function take(): Taken | null {
    if (hours.size === 0) return null;
    const taken = hours;
    hours = new Map();
    hourStart = -1;
    sequence += 1;
    return { events: batchEvents(taken, batchKeyOf(processId, sequence)), file: writer?.seal() ?? null };
  }

  async function writePending(): Promise<void> {
    pending ??= take();
    const batch = pending;
    if (!batch) return;
    try {
      await writeBatch(db, batch.events);
      pending = null;
    } catch (err) {
      log.warn({ err, events: batch.events.length }, 'usage counts not written: tried again at the next flush');
      return;
    }
    // Committed: its file goes. Left behind (a failed removal), it is replayed once this process is gone, and counts once.
    if (batch.file) await removeSpoolFile(batch.file).catch((err) => log.warn({ err, file: batch.file }, 'usage spool file not removed'));
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

  const replays = spool ? createReplays({ db, place: spool, log, owner }) : null;
  const timer = setInterval(() => {
    void flush();
    replays?.whenDue();
  }, options.flushSeconds * 1000);
  timer.unref();
  // What processes that died before this one started left behind.
  void replays?.replay();

  return {
    add(tenantId, meter, amount) {
      const now = Date.now();
      if (now < hourStart || now >= hourStart + HOUR_MS) {
        hourStart = now - (now % HOUR_MS);
        current = hours.get(hourStart) ?? new Map();
        hours.set(hourStart, current);
      }
      const row = current.get(tenantId) ?? rowOf(hours, hourStart, tenantId);
      row[METER_INDEX[meter]]! += amount;
      writer?.append(sequence + 1, hourStart, tenantId, meter, amount);
    },
    flush,
    replay: async () => replays?.replay(),
    async stop() {
      clearInterval(timer);
      await replays?.settled();
      await flush();
    },
  };
}

/** Counters that count nothing: USAGE_METERING=off, and tests that meter nothing. */
export function noUsageCounters(): UsageCounters {
  return { add() {}, flush: async () => {}, replay: async () => {}, stop: async () => {} };
}
