import { randomUUID } from 'node:crypto';
import { createS3Storage, parseStorageConfig } from '@darkroom/storage';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createHotCache } from './hot-cache.js';
import { createRenderStore, type StoredRender } from './render-store.js';

/** Against the real bucket: a render is served from memory before its PUT lands, and forgotten when the PUT fails. */
const config = parseStorageConfig(process.env);
const storage = createS3Storage(config);
const key = `delivery/test-render-store/${randomUUID()}.webp`;

afterAll(() => storage.deleteObject({ bucket: config.publicBucket, key }));

const hotShelf = (maxBytes: number) => createHotCache({ maxBytes }).shelf<StoredRender>('renders');

describe('createRenderStore', () => {
  it('holds a render in memory from the moment its PUT starts, and the bucket holds it once landed', async () => {
    const store = createRenderStore({ storage, buckets: config, hot: hotShelf(1024 * 1024) });
    const write = store.put(key, Buffer.from('pixels'), 'image/webp');
    expect(store.peek(key)).toBe(write.stored);
    await write.landed;
    const elsewhere = createRenderStore({ storage, buckets: config, hot: hotShelf(0) });
    expect(await elsewhere.get(key)).toEqual(write.stored);
  });

  it('keeps a private render (its key under private/) in the originals bucket, never the public one', async () => {
    const privateKey = `private/${key}`;
    const store = createRenderStore({ storage, buckets: config, hot: hotShelf(0) });
    await store.put(privateKey, Buffer.from('hidden'), 'image/webp').landed;
    try {
      expect((await storage.getBytes({ bucket: config.bucket, key: privateKey })).toString()).toBe('hidden');
      await expect(storage.headObject({ bucket: config.publicBucket, key: privateKey })).rejects.toThrow();
      expect((await store.get(privateKey))?.data.toString()).toBe('hidden');
    } finally {
      await storage.deleteObject({ bucket: config.bucket, key: privateKey });
    }
  });

  it('stores a guarded render only while its guard says so, and deletes one that landed late unless it still does', async () => {
    const key = `delivery/test-render-store/${randomUUID()}.webp`;
    onTestFinished(() => storage.deleteObject({ bucket: config.publicBucket, key }));
    const store = createRenderStore({ storage, buckets: config, hot: hotShelf(1024 * 1024) });
    const exists = () =>
      storage.headObject({ bucket: config.publicBucket, key }).then(
        () => true,
        () => false,
      );
    const answers: boolean[] = [];
    const guard = (windowMs: number, ...says: boolean[]) => ({
      confirm: async () => {
        answers.push(says[answers.length] ?? false);
        return answers.at(-1)!;
      },
      windowMs,
    });
    // Said no before the PUT: nothing stored, nor kept in memory.
    expect(await store.put(key, Buffer.from('a'), 'image/webp', guard(60_000, false)).landed).toBe(false);
    expect([await exists(), store.peek(key), answers.length]).toEqual([false, null, 1]);
    // Landed within the window: kept, the guard not asked again.
    answers.length = 0;
    expect(await store.put(key, Buffer.from('b'), 'image/webp', guard(60_000, true)).landed).toBe(true);
    expect([await exists(), answers.length]).toEqual([true, 1]);
    // Landed past the window (0 ms): asked again; no longer so, the object is deleted.
    answers.length = 0;
    expect(await store.put(key, Buffer.from('c'), 'image/webp', guard(-1, true, false)).landed).toBe(false);
    expect([await exists(), store.peek(key), answers.length]).toEqual([false, null, 2]);
    // Past the window but still so: kept.
    answers.length = 0;
    expect(await store.put(key, Buffer.from('d'), 'image/webp', guard(-1, true, true)).landed).toBe(true);
    expect(await exists()).toBe(true);
  });

  it('forgets a render whose PUT fails, so it is not served from memory alone', async () => {
    const missing = `darkroom-test-missing-${randomUUID().slice(0, 8)}`;
    const store = createRenderStore({ storage, buckets: { bucket: missing, publicBucket: missing }, hot: hotShelf(1024 * 1024) });
    const write = store.put(key, Buffer.from('pixels'), 'image/webp');
    expect(store.peek(key)).toBe(write.stored);
    await expect(write.landed).rejects.toThrow();
    expect(store.peek(key)).toBeNull();
  });
});

describe('a q_auto render in the store', () => {
  it('keeps the quality it chose in the object, for the processes that read it back', async () => {
    const autoKey = `delivery/test-render-store/${randomUUID()}.webp`;
    onTestFinished(() => storage.deleteObject({ bucket: config.publicBucket, key: autoKey }));
    const store = createRenderStore({ storage, buckets: config, hot: hotShelf(1024 * 1024) });
    await store.put(autoKey, Buffer.from('searched'), 'image/webp', undefined, 63).landed;
    expect(store.peek(autoKey)?.quality).toBe(63);
    const elsewhere = createRenderStore({ storage, buckets: config, hot: hotShelf(0) });
    expect(await elsewhere.get(autoKey)).toMatchObject({ quality: 63, data: Buffer.from('searched') });
    expect((await elsewhere.get(key))?.quality).toBeUndefined();
  });
});
