import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateCounter, type RateCounter, type RequestCount } from './rate-counter.js';
import { createRedisConnection, type RedisConnection } from './redis.js';

/**
 * Two counters on one prefix stand for two processes (API or delivery) of a deployment, against the real Redis.
 * The Redis connection is wrapped only to count the INCRBYs each counter sends.
 */
let redis: RedisConnection;
const prefix = `{rate-test-${randomUUID()}}`;
const WINDOW_MS = 60_000;

beforeAll(() => {
  redis = createRedisConnection({ url: process.env.REDIS_URL!, clusterNodes: null }, { enableAutoPipelining: true });
});
afterAll(() => redis?.disconnect());

function apiProcess(): { counter: RateCounter; trips: () => number } {
  let trips = 0;
  const counting = new Proxy(redis, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name !== 'incrby') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        trips += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { counter: createRateCounter({ redis: counting, prefix, windowMs: WINDOW_MS }), trips: () => trips };
}

/** Windows are whole minutes: a test that counts within one starts early enough in it. */
async function awayFromWindowEnd(neededMs = 8000) {
  const left = WINDOW_MS - (Date.now() % WINDOW_MS);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

const admitted = (counts: (RequestCount | undefined)[], limit: number) => counts.filter((c) => c !== undefined && c.count <= limit).length;

describe('request counts across API processes', () => {
  it('never admits more than the limit together, refuses little early, and makes few Redis trips', async () => {
    await awayFromWindowEnd();
    const [a, b] = [apiProcess(), apiProcess()];
    const key = randomUUID();
    const limit = 1000;
    // 3000 requests in bursts of 50 at once, each burst split between the two processes.
    const counts: (RequestCount | undefined)[] = [];
    for (let burst = 0; burst < 60; burst++) {
      counts.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => ((i + burst) % 3 === 0 ? a : b).counter.count(key, limit)))));
    }
    const passed = admitted(counts, limit);
    expect(passed).toBeLessThanOrEqual(limit);
    expect(passed).toBeGreaterThanOrEqual(limit * 0.9);
    expect(a.trips() + b.trips()).toBeLessThan(counts.length / 10);
  });

  it('counts one request at a time near a small limit, exactly, whichever process takes it', async () => {
    await awayFromWindowEnd();
    const [a, b] = [apiProcess(), apiProcess()];
    const key = randomUUID();
    const counts = [await a.counter.count(key, 4), await b.counter.count(key, 4), await a.counter.count(key, 4), await b.counter.count(key, 4)];
    expect(counts.map((c) => c?.count)).toEqual([1, 2, 3, 4]);
    const refused = [await a.counter.count(key, 4), await b.counter.count(key, 4)];
    expect(refused.every((c) => c !== undefined && c.count > 4)).toBe(true);
    for (const c of [...counts, ...refused]) expect(c!.resetAt).toBe((Math.floor(Date.now() / WINDOW_MS) + 1) * WINDOW_MS);
  });

  it('refuses a key over its limit without asking Redis again: a flood costs Redis nothing', async () => {
    await awayFromWindowEnd();
    const a = apiProcess();
    const key = randomUUID();
    for (let i = 0; i < 3; i++) await a.counter.count(key, 3);
    await a.counter.count(key, 3); // learns the key is spent
    const tripsBefore = a.trips();
    const flood = await Promise.all(Array.from({ length: 500 }, () => a.counter.count(key, 3)));
    expect(flood.every((c) => c !== undefined && c.count > 3)).toBe(true);
    expect(a.trips()).toBe(tripsBefore);
  });

  it('countNow counts only from what the process holds, never asking Redis, and counts nothing when it cannot answer', async () => {
    await awayFromWindowEnd();
    const a = apiProcess();
    const key = randomUUID();
    expect(a.counter.countNow(key, 1000)).toBeUndefined(); // nothing reserved yet
    expect(a.trips()).toBe(0);
    expect((await a.counter.count(key, 1000))?.count).toBe(1); // reserves a block
    const trips = a.trips();
    const now = [a.counter.countNow(key, 1000), a.counter.countNow(key, 1000)];
    expect(now.map((c) => c?.count)).toEqual([2, 3]);
    expect(a.trips()).toBe(trips);
    // Spent, then over: countNow refuses locally, as count does.
    const small = randomUUID();
    for (let i = 0; i < 3; i++) await a.counter.count(small, 2);
    expect(a.counter.countNow(small, 2)!.count).toBeGreaterThan(2);
  });

  it('answers undefined (uncounted) when Redis does not answer', async () => {
    const down = createRedisConnection(
      { url: 'redis://127.0.0.1:1', clusterNodes: null },
      { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true },
    );
    down.on('error', () => {});
    const counter = createRateCounter({ redis: down, prefix, windowMs: WINDOW_MS });
    expect(await counter.count(randomUUID(), 100)).toBeUndefined();
    down.disconnect();
  });
});
