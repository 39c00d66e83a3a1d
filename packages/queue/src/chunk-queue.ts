import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ASSET_CHUNK_QUEUE, JobName, type ChunkRenderPayload, type QueueLane } from '@darkroom/core/queue';
import { Queue } from 'bullmq';
import { MAX_PRIORITY } from './asset-queue.js';
import type { RedisConnection } from './redis.js';

/** One job's chunked render, as its parts travel: the tenant whose line they wait in, and the job's lane. */
export interface ChunkFlowRef {
  jobId: string;
  tenantId: string;
  lane: QueueLane;
}

/** A part's BullMQ id: one per (job, plan, ladder, part, piece), so queueing it again is a no-op. */
export const chunkEntryId = ({ jobId, planHash, ladder, part, chunk }: ChunkRenderPayload) => `${jobId}-${planHash}-${ladder}-${part}-${chunk}`;

/** Every backfill-lane part (imports, preset backfills) ranks after every default-lane one. */
const LANE_BASE: Readonly<Record<QueueLane, number>> = { default: 0, backfill: 1_000_000 };

/**
 * A part's BullMQ priority, as the main queue ranks jobs (`priorityOf`): its rank in its tenant's
 * line of parts when it was released (1 + the tenant's parts then in flight), the backfill lane's
 * behind the default lane's. Tenant A's long videos take ranks 1…n as they are released; tenant B's
 * clip, released later, takes ranks from 1 again and runs next to A's first parts, not after them.
 */
export function chunkPartPriority(lane: QueueLane, rank: number): number {
  return Math.min(LANE_BASE[lane] + Math.min(Math.max(1, rank), LANE_BASE.backfill - 1), MAX_PRIORITY);
}

/** States of an entry that will still run (or is running). */
const LIVE = new Set(['waiting', 'prioritized', 'active', 'delayed', 'waiting-children']);
export const isLiveState = (state: string) => LIVE.has(state);

/** How long a tenant's line is held by one release at most (a process that died holding it). */
const LOCK_MS = 15_000;
const UNLOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

export interface ChunkPartQueueOptions {
  connection: RedisConnection;
  prefix: string;
  /** A tenant's parts queued or rendering at once, across the fleet (VIDEO_CHUNK_TENANT_PARTS). */
  tenantCap: number;
}

/**
 * The parts of long videos' ladders on their way to the workers. A flow's parts wait in Redis, in
 * its tenant's line (flows oldest first, the default lane's before the backfill lane's), and are
 * released into the `asset-chunks` queue while the tenant has fewer than `tenantCap` in flight, each
 * ranked as it is released (`chunkPartPriority`). A part that ends is taken out of the flight and the
 * tenant's next one released. Redis is transport here as for every queue: what each flow still owes
 * is known from its markers in the bucket, and the reconciler holds again whatever Redis lost.
 */
export interface ChunkPartQueue {
  readonly queue: Queue<ChunkRenderPayload>;
  /** Adds parts to the end of the flow's line and releases what the tenant's cap allows. */
  hold(flow: ChunkFlowRef, parts: readonly ChunkRenderPayload[]): Promise<void>;
  /** Releases the tenant's next parts, up to its cap; `prune` first forgets entries that ended unseen (lost with Redis). */
  release(tenantId: string, options?: { prune?: boolean }): Promise<void>;
  /** A part's entry ended (done, skipped, or failed for good): out of the tenant's flight, and the next one released. */
  landed(tenantId: string, part: ChunkRenderPayload): Promise<void>;
  /** The flow's line dropped and its entries that are not running removed (a running one ends by itself). */
  drop(flow: ChunkFlowRef, parts: readonly ChunkRenderPayload[]): Promise<void>;
  /** The entry ids of the flow's parts still in its line (not released yet). */
  held(jobId: string): Promise<Set<string>>;
  /** The state of a part's entry: BullMQ's, `unknown` when there is none. */
  state(part: ChunkRenderPayload): Promise<string>;
  /** Removes a finished entry of the part (it failed, or completed without its files), so it can run again. */
  forget(part: ChunkRenderPayload): Promise<void>;
  close(): Promise<void>;
}

export function createChunkPartQueue({ connection: redis, prefix, tenantCap }: ChunkPartQueueOptions): ChunkPartQueue {
  const queue = new Queue<ChunkRenderPayload>(ASSET_CHUNK_QUEUE, { connection: redis, prefix });
  queue.on('error', () => {});
  const key = {
    flows: (tenantId: string) => `${prefix}:chunk-flows:${tenantId}`,
    held: (jobId: string) => `${prefix}:chunk-held:${jobId}`,
    flight: (tenantId: string) => `${prefix}:chunk-flight:${tenantId}`,
    lock: (tenantId: string) => `${prefix}:chunk-lock:${tenantId}`,
  };
  const member = (flow: ChunkFlowRef) => `${flow.lane}/${flow.jobId}`;
  const flowOrder = (lane: QueueLane) => (lane === 'backfill' ? 1e13 : 0) + Date.now();

  /** One release (or hold, or drop) of a tenant's line at a time, across processes. */
  async function locked<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const token = randomUUID();
    while ((await redis.set(key.lock(tenantId), token, 'PX', LOCK_MS, 'NX')) !== 'OK') await sleep(20);
    try {
      return await work();
    } finally {
      await redis.eval(UNLOCK, 1, key.lock(tenantId), token);
    }
  }

  const forget = async (part: ChunkRenderPayload) => {
    const entry = await queue.getJob(chunkEntryId(part));
    if (entry && ['completed', 'failed'].includes(await entry.getState())) await entry.remove();
  };

  /** Puts one part in the queue at the tenant's next rank; an entry still live for it (a retry's) is kept. */
  async function add(tenantId: string, lane: QueueLane, part: ChunkRenderPayload): Promise<void> {
    const id = chunkEntryId(part);
    await forget(part);
    const rank = (await redis.scard(key.flight(tenantId))) + 1;
    await queue.add(JobName.ChunkRender, part, {
      jobId: id,
      priority: chunkPartPriority(lane, rank),
      attempts: 3,
      backoff: { type: 'fixed', delay: 1000 },
    });
    await redis.sadd(key.flight(tenantId), id);
  }

  /** Forgets flight entries whose part ended without `landed` (lost with Redis, or a process that died between). */
  async function prune(tenantId: string): Promise<number> {
    for (const id of await redis.smembers(key.flight(tenantId))) {
      if (!isLiveState(await queue.getJobState(id))) await redis.srem(key.flight(tenantId), id);
    }
    return redis.scard(key.flight(tenantId));
  }

  async function releaseLocked(tenantId: string, pruneFirst: boolean): Promise<void> {
    let inFlight = pruneFirst ? await prune(tenantId) : await redis.scard(key.flight(tenantId));
    if (inFlight >= tenantCap) inFlight = await prune(tenantId);
    for (const flow of await redis.zrange(key.flows(tenantId), '0', '-1')) {
      if (inFlight >= tenantCap) return;
      const [lane, jobId] = flow.split('/') as [QueueLane, string];
      const parts = (await redis.lpop(key.held(jobId), tenantCap - inFlight)) ?? [];
      if (parts.length === 0) await redis.zrem(key.flows(tenantId), flow);
      for (const part of parts) await add(tenantId, lane, JSON.parse(part) as ChunkRenderPayload);
      inFlight += parts.length;
    }
  }

  return {
    queue,
    async hold(flow, parts) {
      await locked(flow.tenantId, async () => {
        if (parts.length > 0) {
          await redis.rpush(key.held(flow.jobId), ...parts.map((p) => JSON.stringify(p)));
          await redis.zadd(key.flows(flow.tenantId), 'NX', String(flowOrder(flow.lane)), member(flow));
        }
        await releaseLocked(flow.tenantId, false);
      });
    },
    release: (tenantId, options = {}) => locked(tenantId, () => releaseLocked(tenantId, options.prune === true)),
    async landed(tenantId, part) {
      await locked(tenantId, async () => {
        await redis.srem(key.flight(tenantId), chunkEntryId(part));
        await releaseLocked(tenantId, false);
      });
    },
    async drop(flow, parts) {
      await locked(flow.tenantId, async () => {
        await redis.del(key.held(flow.jobId));
        await redis.zrem(key.flows(flow.tenantId), member(flow));
        for (const part of parts) {
          const id = chunkEntryId(part);
          // A running entry cannot be removed: it ends by itself (its job ended, or its asset went).
          if ((await queue.getJobState(id)) !== 'active') await queue.remove(id).catch(() => 0);
          if (!isLiveState(await queue.getJobState(id))) await redis.srem(key.flight(flow.tenantId), id);
        }
        await releaseLocked(flow.tenantId, false);
      });
    },
    async held(jobId) {
      const parts = await redis.lrange(key.held(jobId), 0, -1);
      return new Set(parts.map((p) => chunkEntryId(JSON.parse(p) as ChunkRenderPayload)));
    },
    state: (part) => queue.getJobState(chunkEntryId(part)),
    forget,
    close: () => queue.close(),
  };
}
