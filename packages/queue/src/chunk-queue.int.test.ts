import { randomUUID } from 'node:crypto';
import type { ChunkRenderPayload, QueueLane } from '@darkroom/core/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkEntryId, createChunkPartQueue, type ChunkFlowRef, type ChunkPartQueue } from './chunk-queue.js';
import { createRedisConnection, type RedisConnection } from './redis.js';

/**
 * The parts' line against the real Redis and BullMQ, no worker taking entries: what is released
 * into the queue, at which priority, per tenant and lane, and what the tenant cap holds back.
 */
let redis: RedisConnection;
let parts: ChunkPartQueue;
const CAP = 3;

beforeAll(() => {
  redis = createRedisConnection({ url: process.env.REDIS_URL!, clusterNodes: null }, { maxRetriesPerRequest: null });
  parts = createChunkPartQueue({ connection: redis, prefix: `{chunk-queue-test-${randomUUID().slice(0, 8)}}`, tenantCap: CAP });
});
afterAll(async () => {
  await parts?.queue.obliterate({ force: true });
  await parts?.close();
  redis?.disconnect();
});

const flowOf = (tenantId: string, lane: QueueLane = 'default'): ChunkFlowRef => ({ jobId: randomUUID(), tenantId, lane });
const partsOf = (flow: ChunkFlowRef, count: number): ChunkRenderPayload[] =>
  Array.from({ length: count }, (_, chunk) => ({ jobId: flow.jobId, assetId: flow.jobId, ladder: 'stream', chunk, part: 'lowest', planHash: 'p1' }));

/** The tenant's entries in the queue: their piece and priority, in the order BullMQ would run them. */
async function queued(flow: ChunkFlowRef): Promise<{ chunk: number; priority: number }[]> {
  const entries = await parts.queue.getJobs(['prioritized', 'waiting']);
  return entries
    .filter((e) => e.data.jobId === flow.jobId)
    .map((e) => ({ chunk: e.data.chunk, priority: e.opts.priority ?? 0 }))
    .sort((a, b) => a.priority - b.priority || a.chunk - b.chunk);
}

describe("the parts' line", () => {
  it("releases at most the tenant's cap, ranked 1… in its line, and the next one as a part lands", async () => {
    const a = flowOf(`tenant-${randomUUID()}`);
    const aParts = partsOf(a, 8);
    await parts.hold(a, aParts);
    expect(await queued(a)).toEqual([
      { chunk: 0, priority: 1 },
      { chunk: 1, priority: 2 },
      { chunk: 2, priority: 3 },
    ]);
    expect(await parts.held(a.jobId)).toEqual(new Set(aParts.slice(3).map(chunkEntryId)));

    // Another tenant's parts rank from 1 again: they run beside A's first ones, not after all of A's.
    const b = flowOf(`tenant-${randomUUID()}`);
    await parts.hold(b, partsOf(b, 2));
    expect(await queued(b)).toEqual([
      { chunk: 0, priority: 1 },
      { chunk: 1, priority: 2 },
    ]);

    // A's first part ends: it leaves the flight, and A's fourth is released at the rank it now has.
    await (await parts.queue.getJob(chunkEntryId(aParts[0]!)))!.remove();
    await parts.landed(a.tenantId, aParts[0]!);
    expect((await queued(a)).map((e) => e.chunk)).toEqual([1, 2, 3]);
    expect((await queued(a)).find((e) => e.chunk === 3)!.priority).toBe(3);
  });

  it("serves a tenant's flows oldest first, and its backfill lane's after every default-lane part", async () => {
    const tenantId = `tenant-${randomUUID()}`;
    const imported = flowOf(tenantId, 'backfill');
    const upload = flowOf(tenantId);
    await parts.hold(imported, partsOf(imported, 2));
    expect((await queued(imported)).map((e) => e.priority)).toEqual([1_000_001, 1_000_002]);
    await parts.hold(upload, partsOf(upload, 4));
    // The cap is full (two of the import's and one upload part): the upload's line goes before the import's next time.
    expect((await queued(upload)).map((e) => e.chunk)).toEqual([0]);
    expect(await parts.held(imported.jobId)).toEqual(new Set());
  });

  it('forgets parts whose entry vanished unseen (Redis lost them) once its flight is full, and drops a flow whole', async () => {
    const a = flowOf(`tenant-${randomUUID()}`);
    const aParts = partsOf(a, 6);
    await parts.hold(a, aParts);
    await parts.queue.drain(true);
    // Nothing landed, so the flight looks full: it is pruned, and the next three go at ranks 1–3.
    await parts.release(a.tenantId);
    expect(await queued(a)).toEqual([
      { chunk: 3, priority: 1 },
      { chunk: 4, priority: 2 },
      { chunk: 5, priority: 3 },
    ]);
    await parts.drop(a, aParts);
    expect(await queued(a)).toEqual([]);
    expect(await parts.held(a.jobId)).toEqual(new Set());
  });
});
