import { randomUUID } from 'node:crypto';
import { createRedisConnection, type RedisConnection } from '@darkroom/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderOnce } from './render-once.js';
import type { RenderStore, StoredRender } from './render-store.js';

/**
 * The lock protocol against the real Redis: two RenderOnce instances stand for two processes (each
 * has its own in-flight map), sharing one bucket, faked here as a Map (test/delivery/render-once.test.ts
 * runs two real processes against the real bucket).
 */
let redis: RedisConnection;

beforeAll(() => {
  redis = createRedisConnection({ url: process.env.REDIS_URL!, clusterNodes: null });
});
afterAll(() => redis.disconnect());

/** A bucket both "processes" read; a PUT lands when `landing` lets it (at once by default), or fails. */
function sharedBucket(): RenderStore & { objects: Map<string, Buffer>; landing: () => Promise<void> } {
  const objects = new Map<string, Buffer>();
  const read = (key: string): StoredRender | null => {
    const data = objects.get(key);
    return data ? { data, etag: `"${data.length}"` } : null;
  };
  const bucket = {
    objects,
    landing: () => Promise.resolve(),
    peek: read,
    get: async (key: string) => read(key),
    put: (key: string, data: Buffer) => ({
      stored: { data, etag: `"${data.length}"` },
      landed: bucket.landing().then(() => objects.set(key, data) !== undefined),
    }),
  };
  return bucket;
}

const processOf = (store: RenderStore, prefix: string, background = new Set<Promise<unknown>>()) =>
  createRenderOnce({ redis, store, prefix, lockMs: 10_000, storedMarkMs: 60_000, pollMs: 10, background });

/** Two processes on one bucket, the first one's PUTs and locks awaited through `background`; renders counted. */
function twoProcesses(bucket: ReturnType<typeof sharedBucket>, prefix: string) {
  const background = new Set<Promise<unknown>>();
  let renders = 0;
  const produce = async () => {
    renders += 1;
    return bucket.put('k', Buffer.from('pixels'), 'image/webp');
  };
  return { a: processOf(bucket, prefix, background), b: processOf(bucket, prefix), background, produce, renders: () => renders };
}

describe('createRenderOnce', () => {
  it('renders once for two processes asking at once, and each gets the bytes', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    const background = new Set<Promise<unknown>>();
    const [a, b] = [processOf(bucket, prefix, background), processOf(bucket, prefix, background)];
    let renders = 0;
    const produce = async () => {
      renders += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return bucket.put('k', Buffer.from('pixels'), 'image/webp');
    };
    const answers = await Promise.all([a.get('k', produce), b.get('k', produce), a.get('k', produce), b.get('k', produce)]);
    expect(renders).toBe(1);
    expect(answers.filter((x) => x.rendered)).toHaveLength(1);
    expect(answers.every((x) => x.stored.data.toString() === 'pixels')).toBe(true);
    await Promise.all(background);
    // The lock became the stored mark: a later miss in the other process reads the bucket, renders nothing.
    expect(await redis.get(`${prefix}:delivery:lock:k`)).toBe('stored');
    expect(await b.get('k', produce)).toMatchObject({ rendered: false });
    expect(renders).toBe(1);
  });

  it('renders again when a stored mark outlives its render (deleted from the bucket since)', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    await redis.set(`${prefix}:delivery:lock:k`, 'stored', 'PX', 10_000);
    let renders = 0;
    const made = await processOf(bucket, prefix).get('k', async () => {
      renders += 1;
      return bucket.put('k', Buffer.from('again'), 'image/webp');
    });
    expect(made).toMatchObject({ rendered: true });
    expect(renders).toBe(1);
  });

  it('asks the bucket while it tries the lock: a stored render is served, unrendered, and marked stored', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    bucket.objects.set('k', Buffer.from('stored'));
    const { a, produce, renders } = twoProcesses(bucket, prefix);
    expect(await a.get('k', produce)).toMatchObject({ rendered: false, stored: { data: Buffer.from('stored') } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([renders(), await redis.get(`${prefix}:delivery:lock:k`)]).toEqual([0, 'stored']);
    expect(await redis.pttl(`${prefix}:delivery:lock:k`)).toBeGreaterThan(10_000);
  });

  it('hears of a likely miss once Redis knows of no stored render and no other render, and only then', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    const { a, b, background, produce } = twoProcesses(bucket, prefix);
    const heard = { a: 0, b: 0 };
    // A miss: heard of before the render is made.
    let heardBeforeRender = false;
    const renderAfterHearing = async () => {
      heardBeforeRender = heard.a === 1;
      return produce();
    };
    const made = await a.get('k', renderAfterHearing, { onLikelyMiss: () => (heard.a += 1) });
    expect([made.rendered, heard.a, heardBeforeRender]).toEqual([true, 1, true]);
    await Promise.all(background);
    // Marked stored: the other process reads the bucket alone, and hears of no miss.
    expect(await b.get('k', produce, { onLikelyMiss: () => (heard.b += 1) })).toMatchObject({ rendered: false });
    expect(heard.b).toBe(0);
    // Being rendered by another process: no miss for the one that waits.
    await redis.set(`${prefix}:delivery:lock:other`, 'another-process', 'PX', 200);
    let waited = false;
    const wait = b.get('other', async () => bucket.put('other', Buffer.from('x'), 'image/webp'), {
      onLikelyMiss: () => (heard.b += 1),
      onWait: () => (waited = true),
    });
    await expect(wait).resolves.toMatchObject({ rendered: true });
    expect([waited, heard.b]).toEqual([true, 0]);
  });

  it('lets go of the lock it took when the bucket cannot be asked, and the request fails', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    const down: RenderStore = { ...bucket, get: () => Promise.reject(new Error('bucket unavailable')) };
    const { produce, renders } = twoProcesses(bucket, prefix);
    await expect(processOf(down, prefix).get('k', produce)).rejects.toThrow('bucket unavailable');
    expect([renders(), await redis.get(`${prefix}:delivery:lock:k`)]).toEqual([0, null]);
  });

  it('lets go of the lock when the render fails, so the next request renders', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    const once = processOf(bucket, prefix);
    await expect(once.get('k', () => Promise.reject(new Error('decode failed')))).rejects.toThrow('decode failed');
    expect(await redis.get(`${prefix}:delivery:lock:k`)).toBeNull();
    expect(await once.get('k', async () => bucket.put('k', Buffer.from('ok'), 'image/webp'))).toMatchObject({ rendered: true });
  });

  it('answers before the PUT lands, holds the lock until it has, and the other process reads the stored render', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    let land!: () => void;
    bucket.landing = () => new Promise<void>((resolve) => (land = resolve));
    const { a, b, background, produce, renders } = twoProcesses(bucket, prefix);
    const first = await a.get('k', produce);
    expect([first.rendered, first.stored.data.toString(), bucket.objects.has('k')]).toEqual([true, 'pixels', false]);
    // Not landed: the lock is still this render's, and a request in the other process waits for it.
    expect(await redis.get(`${prefix}:delivery:lock:k`)).not.toMatch(/^(stored)?$/);
    expect(a.underWay('k')).toBe(true);
    const other = b.get('k', produce);
    const sameProcess = await a.get('k', produce);
    expect(sameProcess).toMatchObject({ rendered: false, stored: { data: Buffer.from('pixels') } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    land();
    expect(await other).toMatchObject({ rendered: false, stored: { data: Buffer.from('pixels') } });
    await Promise.all(background);
    expect([renders(), a.underWay('k'), await redis.get(`${prefix}:delivery:lock:k`)]).toEqual([1, false, 'stored']);
  });

  it('lets go of the lock when the PUT fails, so the next request renders again', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    bucket.landing = () => Promise.reject(new Error('bucket unavailable'));
    const { a, b, background, produce, renders } = twoProcesses(bucket, prefix);
    expect(await a.get('k', produce)).toMatchObject({ rendered: true });
    await Promise.all(background);
    expect([a.underWay('k'), await redis.get(`${prefix}:delivery:lock:k`)]).toEqual([false, null]);
    bucket.landing = () => Promise.resolve();
    expect(await b.get('k', produce)).toMatchObject({ rendered: true });
    expect([renders(), bucket.objects.has('k')]).toEqual([2, true]);
  });
});
