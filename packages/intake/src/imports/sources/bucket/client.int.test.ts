import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { DarkroomError, errorDetail } from '@darkroom/core/errors';
import type { Resolver } from '@darkroom/core/webhook-guard';
import { createS3Storage, ObjectNotFoundError, parseStorageConfig } from '@darkroom/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../../../test/support/services.js';
import { createSourceBucket, type SnapshotEntry, type SourceBucket } from '../../../../../../test/support/source-bucket.js';
import { openBucketSource, type BucketSourceDeployment, type BucketSourceSpec } from './client.js';

// Against the real S3 server (Ceph RGW): the source is a bucket of a second user, with keys of its own.
const config = parseStorageConfig(process.env);
const objects = createS3Storage(config);
const targetPrefix = `test-bucket-source-${randomUUID()}/`;
const PHOTOS = 1050;
let source: SourceBucket;
let before: SnapshotEntry[];

beforeAll(async () => {
  source = await createSourceBucket({ photos: PHOTOS });
  before = await source.snapshot();
}, 120_000);

afterAll(async () => {
  await source?.remove();
  await objects.deletePrefix({ bucket: config.bucket, prefix: targetPrefix });
});

const deployment = (overrides: Partial<BucketSourceDeployment> = {}): BucketSourceDeployment => ({
  storage: config,
  objects,
  backup: null,
  allowPrivate: true,
  client: { maxAttempts: 1, connectionTimeoutMs: 2000 },
  ...overrides,
});

const spec = (overrides: Partial<BucketSourceSpec> = {}): BucketSourceSpec => ({
  region: 'us-east-1',
  bucket: source.name,
  prefix: source.prefix,
  ...source.credentials,
  ...overrides,
});

const md5 = async (body: Readable) => {
  const hash = createHash('md5');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return `"${hash.digest('hex')}"`;
};

const entry = (key: string) => before.find((e) => e.key === key)!;

/** Rejects with the import error of `code`, and returns it. */
async function refusal(promise: Promise<unknown>, code: string): Promise<DarkroomError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DarkroomError);
  expect((error as DarkroomError).code, (error as Error).message).toBe(code);
  return error as DarkroomError;
}

describe('a bucket source', () => {
  it('lists the objects under its prefix a page of 1,000 at a time, without directory placeholders', async () => {
    const bucket = await openBucketSource(spec(), deployment());
    const first = await bucket.listPage(null);
    expect(first.next).not.toBeNull();
    const second = await bucket.listPage(first.next);
    expect(second.next).toBeNull();
    const listed = [...first.objects, ...second.objects];
    // 1,000 keys in the first page, one of them the placeholder.
    expect(first.objects).toHaveLength(999);
    expect(listed.map((o) => o.key)).toEqual(before.map((e) => e.key).filter((key) => !key.endsWith('/')));
    expect(listed).toEqual(before.filter((e) => !e.key.endsWith('/')).map(({ key, size, etag }) => ({ key, size, etag })));
  });

  it("HEADs and opens an object with the tenant's credentials", async () => {
    const bucket = await openBucketSource(spec(), deployment());
    const key = source.photoKeys[7]!;
    expect(await bucket.head(key)).toEqual({ key, size: entry(key).size, etag: entry(key).etag, contentType: 'image/jpeg' });
    expect(await md5(await bucket.open(key))).toBe(entry(key).etag);
    await refusal(bucket.head(`${source.prefix}absent.jpg`), 'source_not_found');
    await refusal(bucket.open(`${source.prefix}absent.jpg`), 'source_not_found');
  });

  it("copies server-side with the deployment's key where a bucket policy lets it read, and not where none does", async () => {
    await source.allowDeploymentReads(true);
    try {
      const bucket = await openBucketSource(spec(), deployment());
      const [object] = (await bucket.listPage(null)).objects.filter((o) => o.key.endsWith('.jpg'));
      const target = { bucket: config.bucket, key: `${targetPrefix}copied`, contentType: 'image/jpeg', metadata: { imported: 'yes' } };
      expect(await bucket.copyTo(target, object!)).toBe('copied');
      expect(await md5(await objects.getStream(target))).toBe(object!.etag);
      expect(await objects.headObject(target)).toMatchObject({ contentType: 'image/jpeg', metadata: { imported: 'yes' } });
    } finally {
      await source.allowDeploymentReads(false);
    }
    const bucket = await openBucketSource(spec(), deployment());
    const [object] = (await bucket.listPage(null)).objects;
    const target = { bucket: config.bucket, key: `${targetPrefix}refused` };
    expect(await bucket.copyTo(target, object!)).toBe('not_allowed');
    await expect(objects.headObject(target)).rejects.toBeInstanceOf(ObjectNotFoundError);
    // Remembered: the rest of this source is streamed without asking again, even once a policy allows it.
    await source.allowDeploymentReads(true);
    try {
      expect(await bucket.copyTo(target, object!)).toBe('not_allowed');
    } finally {
      await source.allowDeploymentReads(false);
    }
  });

  it('HEADs an object it has not listed before copying it, and copies no other version than the one named', async () => {
    await source.allowDeploymentReads(true);
    try {
      const key = source.photoKeys[1049]!;
      const target = { bucket: config.bucket, key: `${targetPrefix}headed` };
      const changed = { key, size: entry(key).size, etag: '"0123456789abcdef0123456789abcdef"' };
      await refusal((await openBucketSource(spec(), deployment())).copyTo(target, changed), 'content_mismatch');
      await expect(objects.headObject(target)).rejects.toBeInstanceOf(ObjectNotFoundError);
      const current = { key, size: entry(key).size, etag: entry(key).etag };
      expect(await (await openBucketSource(spec(), deployment())).copyTo(target, current)).toBe('copied');
    } finally {
      await source.allowDeploymentReads(false);
    }
  });

  it("offers no copy from another endpoint, and knows the deployment's bucket under another name of its server", async () => {
    const endpoint = config.endpoint.replace('127.0.0.1', 'localhost');
    const elsewhere = await openBucketSource(spec({ endpoint }), deployment());
    expect(elsewhere.onDeploymentEndpoint).toBe(false);
    const [object] = (await elsewhere.listPage(null)).objects;
    expect(await elsewhere.copyTo({ bucket: config.bucket, key: `${targetPrefix}elsewhere` }, object!)).toBe('not_allowed');
    await refusal(openBucketSource(spec({ bucket: config.bucket }), deployment()), 'invalid_request');
    await refusal(openBucketSource(spec({ endpoint, bucket: config.publicBucket }), deployment()), 'invalid_request');
  });

  it('refuses wrong credentials with source_forbidden, the secret in no part of the error', async () => {
    const secret = `wrong-secret-${randomUUID()}`;
    const attempts = [
      spec({ secretAccessKey: secret }),
      spec({ accessKeyId: 'no-such-key', secretAccessKey: secret }),
      spec({ endpoint: config.endpoint.replace('127.0.0.1', 'localhost'), secretAccessKey: secret }),
    ];
    for (const attempt of attempts) {
      const bucket = await openBucketSource(attempt, deployment());
      const errors = [
        await refusal(bucket.listPage(null), 'source_forbidden'),
        await refusal(bucket.head(source.photoKeys[0]!), 'source_forbidden'),
        await refusal(bucket.open(source.photoKeys[0]!), 'source_forbidden'),
      ];
      for (const error of errors) {
        const told = [inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY }), JSON.stringify(error), error.stack, errorDetail(error)];
        for (const text of told) expect(text).not.toContain(secret);
        expect(error.cause).toBeUndefined();
      }
    }
  });

  it('says a missing bucket is source_not_found, and a server that is not there source_unreachable', async () => {
    const missing = await openBucketSource(spec({ bucket: `no-such-${randomUUID().slice(0, 8)}` }), deployment());
    await refusal(missing.listPage(null), 'source_not_found');
    const closed = await openBucketSource(spec({ endpoint: `http://127.0.0.1:${await freePort()}` }), deployment());
    const error = await refusal(closed.listPage(null), 'source_unreachable');
    expect(error.message).toContain('refused the connection');
  });
});

/** A TCP server on a loopback address that counts the connections it is sent and closes each at once. */
async function connectionCounter(host: string): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  return { port, connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("a tenant's endpoint", () => {
  const blocked = (overrides: Partial<BucketSourceDeployment> = {}) => deployment({ allowPrivate: false, ...overrides });
  /** A resolver that answers `addresses` for any name, counting the questions. */
  const answering = (...addresses: string[]) => {
    const asked: string[] = [];
    const resolve: Resolver = async (hostname) => {
      asked.push(hostname);
      return addresses.map((address) => ({ address, family: 4 }));
    };
    return { resolve, asked };
  };

  it('that is or resolves to a blocked address fails with blocked_address before anything is sent', async () => {
    const counter = await connectionCounter('127.0.0.2');
    try {
      await refusal(openBucketSource(spec({ endpoint: `http://127.0.0.2:${counter.port}` }), blocked()), 'blocked_address');
      const ten = answering('10.0.0.1');
      await refusal(
        openBucketSource(spec({ endpoint: `http://s3.tenant.example:${counter.port}` }), blocked({ resolve: ten.resolve })),
        'blocked_address',
      );
      expect(ten.asked).toEqual(['s3.tenant.example']);
      // One allowed address beside a blocked one is refused too: either could be the one connected to.
      const mixed = answering('127.0.0.2', '10.0.0.1');
      const onlyTheCounter = (address: string) => address === '127.0.0.2';
      await refusal(
        openBucketSource(
          spec({ endpoint: `http://s3.tenant.example:${counter.port}` }),
          blocked({ resolve: mixed.resolve, isAllowedAddress: onlyTheCounter }),
        ),
        'blocked_address',
      );
      expect(counter.connections()).toBe(0);
      // The counter does count: an allowed answer reaches it, at the address the resolver gave.
      const allowed = answering('127.0.0.2');
      const bucket = await openBucketSource(
        spec({ endpoint: `http://s3.tenant.example:${counter.port}` }),
        blocked({ resolve: allowed.resolve, isAllowedAddress: onlyTheCounter }),
      );
      await refusal(bucket.listPage(null), 'source_unreachable');
      expect(counter.connections()).toBeGreaterThan(0);
    } finally {
      await counter.close();
    }
  });

  it('is looked up once: a name whose next answer would be a blocked address is never asked again', async () => {
    const answers = ['127.0.0.1', '10.0.0.1'];
    const asked: string[] = [];
    const resolve: Resolver = async (hostname) => {
      asked.push(hostname);
      return [{ address: answers[Math.min(asked.length - 1, answers.length - 1)]!, family: 4 }];
    };
    const port = new URL(config.endpoint).port;
    const bucket = await openBucketSource(
      spec({ endpoint: `http://s3.rebinding.example:${port}` }),
      deployment({ allowPrivate: false, resolve, isAllowedAddress: (address) => address === '127.0.0.1' }),
    );
    const key = source.photoKeys[3]!;
    expect((await bucket.listPage(null)).objects.length).toBeGreaterThan(0);
    expect((await bucket.head(key)).etag).toBe(entry(key).etag);
    expect(await md5(await bucket.open(key))).toBe(entry(key).etag);
    expect(asked).toEqual(['s3.rebinding.example']);
  });
});

// Last: every test above has had its go at the source.
it('leaves the source exactly as it was: every key, size, ETag and version count', async () => {
  expect(await source.snapshot()).toEqual(before);
});
