import { randomUUID } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStorageConfig } from './config.js';
import { StorageUnavailableError } from './errors.js';
import { createS3Storage } from './s3-storage.js';

// Against the real S3 server of the test environment (Ceph RGW), reached by a name no DNS knows.
const config = parseStorageConfig(process.env);
const deployment = createS3Storage(config);
const bucket = config.bucket;
const prefix = `test-lookup-${randomUUID()}/`;
const server = new URL(config.endpoint);
const named = { ...config, endpoint: `${server.protocol}//s3.pinned.invalid:${server.port}` };

afterAll(async () => {
  await deployment.deletePrefix({ bucket, prefix });
});

describe('a lookup of our own (S3ClientOptions.lookup)', () => {
  it("carries every request, the SDK's and the direct HEAD and GET alike, to the address it gives", async () => {
    const asked: string[] = [];
    const lookup: LookupFunction = (hostname, options, callback) => {
      asked.push(hostname);
      const address = { address: server.hostname, family: 4 };
      if (options.all) return (callback as unknown as (e: null, all: (typeof address)[]) => void)(null, [address]);
      callback(null, address.address, address.family);
    };
    const storage = createS3Storage(named, { lookup });
    const key = `${prefix}pinned`;
    await storage.putObject({ bucket, key, body: Buffer.from('pinned'), contentType: 'text/plain' });
    expect((await storage.listObjectsPage({ bucket, prefix, maxKeys: 10 })).objects.map((o) => o.key)).toEqual([key]);
    expect(await storage.headObject({ bucket, key })).toMatchObject({ size: 6 });
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.getStream({ bucket, key })) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('pinned');
    expect(new Set(asked)).toEqual(new Set(['s3.pinned.invalid']));
  });

  it('without one, the same name does not resolve', async () => {
    const storage = createS3Storage(named, { maxAttempts: 1 });
    await expect(storage.headObject({ bucket, key: `${prefix}pinned` })).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});
