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

function sharedBucket(): RenderStore & { objects: Map<string, Buffer> } {
  const objects = new Map<string, Buffer>();
  const read = (key: string): StoredRender | null => {
    const data = objects.get(key);
    return data ? { data, etag: `"${data.length}"` } : null;
  };
  return {
    objects,
    peek: read,
    get: async (key) => read(key),
    put: async (key, data) => {
      objects.set(key, data);
      return { data, etag: `"${data.length}"` };
    },
  };
}

const processOf = (store: RenderStore, prefix: string) => createRenderOnce({ redis, store, prefix, lockMs: 10_000, pollMs: 10 });

describe('createRenderOnce', () => {
  it('renders once for two processes asking at once, and each gets the bytes', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    const [a, b] = [processOf(bucket, prefix), processOf(bucket, prefix)];
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

  it('lets go of the lock when the render fails, so the next request renders', async () => {
    const prefix = `test-${randomUUID()}`;
    const bucket = sharedBucket();
    const once = processOf(bucket, prefix);
    await expect(once.get('k', () => Promise.reject(new Error('decode failed')))).rejects.toThrow('decode failed');
    expect(await redis.get(`${prefix}:delivery:lock:k`)).toBeNull();
    expect(await once.get('k', () => bucket.put('k', Buffer.from('ok'), 'image/webp'))).toMatchObject({ rendered: true });
  });
});
