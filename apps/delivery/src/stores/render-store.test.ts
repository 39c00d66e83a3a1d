import { randomUUID } from 'node:crypto';
import { createS3Storage, parseStorageConfig } from '@darkroom/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { createRenderStore } from './render-store.js';

/** Against the real bucket: a render is served from memory before its PUT lands, and forgotten when the PUT fails. */
const config = parseStorageConfig(process.env);
const storage = createS3Storage(config);
const key = `delivery/test-render-store/${randomUUID()}.webp`;

afterAll(() => storage.deleteObject({ bucket: config.publicBucket, key }));

describe('createRenderStore', () => {
  it('holds a render in memory from the moment its PUT starts, and the bucket holds it once landed', async () => {
    const store = createRenderStore({ storage, bucket: config.publicBucket, hotBytes: 1024 * 1024 });
    const write = store.put(key, Buffer.from('pixels'), 'image/webp');
    expect(store.peek(key)).toBe(write.stored);
    await write.landed;
    const elsewhere = createRenderStore({ storage, bucket: config.publicBucket, hotBytes: 0 });
    expect(await elsewhere.get(key)).toEqual(write.stored);
  });

  it('forgets a render whose PUT fails, so it is not served from memory alone', async () => {
    const store = createRenderStore({ storage, bucket: `darkroom-test-missing-${randomUUID().slice(0, 8)}`, hotBytes: 1024 * 1024 });
    const write = store.put(key, Buffer.from('pixels'), 'image/webp');
    expect(store.peek(key)).toBe(write.stored);
    await expect(write.landed).rejects.toThrow();
    expect(store.peek(key)).toBeNull();
  });
});
