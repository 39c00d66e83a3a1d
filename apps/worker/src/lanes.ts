import { retryDelayMs, type JobName } from '@darkroom/core/queue';
import type { WorkerQueues } from '@darkroom/queue';
import { Worker, type Job } from 'bullmq';
import type { WorkerConfig } from './config.js';
import type { WorkerDeps } from './deps.js';

/** How an entry ended, as its lane's events tell it: completed with its result, or failed (an attempt, or for good). */
export type EntryEnd<R> = { failed: false; result: R } | { failed: true };

/**
 * One row of the job table (jobs/registry.ts): a job name, the queue its entries travel on, the
 * slots this process gives it, and its handler. A lane is one BullMQ Worker on that queue. (The
 * handlers are methods so that a table of rows of different payloads is a `JobRow[]`.)
 */
export interface JobRow<T = never, R = unknown> {
  /** The entries' name (core's `JobName`): every name has its row, or the worker refuses to boot. */
  name: JobName;
  /** The queue (core's queue names). */
  queue: string;
  /** Entries in hand at once in this process, from its setting; 0: no lane here. */
  slots: (config: WorkerConfig) => number;
  /** The job row kinds (@darkroom/db's `jobs.kind`) whose entries travel on this lane. */
  rowKinds?: readonly string[];
  /** One entry's work. */
  handle(deps: WorkerDeps, job: Job<T>, queues: WorkerQueues): Promise<R>;
  /** After an entry ended; never throws. The lane's close waits for the ones under way. */
  settle?(deps: WorkerDeps, job: Job<T>, ended: EntryEnd<R>): Promise<void>;
}

export interface RunningLanes {
  /** Each lane's Worker, by its job name: none for a row given no slots. */
  readonly workers: ReadonlyMap<JobName, Worker>;
  /** Stops taking entries, waits for the ones in hand and their settling. */
  close(): Promise<void>;
}

/** A lane for each row given slots, on the one connection its BullMQ Workers share. */
export function startLanes(deps: WorkerDeps, queues: WorkerQueues, rows: readonly JobRow<unknown, unknown>[]): RunningLanes {
  const lanes = rows.filter((row) => row.slots(deps.config) > 0).map((row) => startLane(deps, queues, row));
  return {
    workers: new Map(lanes.map((lane) => [lane.name, lane.worker])),
    close: async () => void (await Promise.all(lanes.map((lane) => lane.close()))),
  };
}

function startLane<T, R>(deps: WorkerDeps, queues: WorkerQueues, row: JobRow<T, R>) {
  const worker = new Worker<T, R>(
    row.queue,
    async (job) => {
      if (job.name !== row.name) throw new Error(`unknown job name ${job.name} on queue ${row.queue}`);
      return row.handle(deps, job, queues);
    },
    {
      connection: queues.connection,
      prefix: deps.config.queuePrefix,
      concurrency: row.slots(deps.config),
      // A worker killed mid-job stops renewing its lock; another takes the job over as stalled.
      lockDuration: deps.config.stalledTimeoutMs,
      stalledInterval: deps.config.stalledTimeoutMs,
      maxStalledCount: 2,
      // Entries name RETRY_BACKOFF_TYPE; this process's JOB_RETRY_SCHEDULE decides the delays.
      settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(deps.config.retryScheduleMs, attemptsMade) },
    },
  );
  worker.on('error', (err) => deps.log.error({ err: err.message, queue: row.queue }, 'worker error'));
  worker.on('completed', (job, result) => deps.log.info({ jobId: job.id, result }, `${row.name} completed`));
  const settling = new Set<Promise<void>>();
  const { settle } = row;
  if (settle) {
    const track = (work: Promise<void>) => {
      const done: Promise<void> = work.finally(() => settling.delete(done));
      settling.add(done);
    };
    worker.on('completed', (job, result) => track(settle(deps, job, { failed: false, result })));
    worker.on('failed', (job) => job && track(settle(deps, job, { failed: true })));
  }
  return {
    name: row.name,
    worker: worker as unknown as Worker,
    async close() {
      await worker.close();
      await Promise.all(settling);
    },
  };
}
