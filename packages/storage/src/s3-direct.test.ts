import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BucketNotFoundError, ObjectNotFoundError, StorageAccessDeniedError, StorageUnavailableError } from './errors.js';
import { createPresigner } from './presigner.js';
import { createDirectRequests } from './s3-direct.js';

let server: Server | undefined;

/** An S3 stand-in answering each HEAD with the next of `answers`; returns its endpoint and the requests it saw. */
async function serve(answers: ((req: IncomingMessage, res: ServerResponse) => void)[]) {
  const seen: IncomingMessage[] = [];
  server = createServer((req, res) => {
    seen.push(req);
    (answers[seen.length - 1] ?? answers.at(-1)!)(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function directFor(endpoint: string, options: Partial<Parameters<typeof createDirectRequests>[2]> = {}) {
  const presigner = createPresigner({ endpoint, region: 'us-east-1', accessKeyId: 'AKID', secretAccessKey: 'secret' });
  return createDirectRequests(endpoint, presigner, { maxAttempts: 3, connectionTimeoutMs: 1000, socketTimeoutMs: 1000, ...options });
}
const headFor = (endpoint: string, options: Partial<Parameters<typeof createDirectRequests>[2]> = {}) => directFor(endpoint, options).headObject;
const getFor = (endpoint: string, options: Partial<Parameters<typeof createDirectRequests>[2]> = {}) => directFor(endpoint, options).getStream;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const status = (code: number) => (_req: IncomingMessage, res: ServerResponse) => res.writeHead(code).end();

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('headObject without the SDK', () => {
  it('sends one signed HEAD and reads size, type, ETag, date and metadata as the SDK does', async () => {
    const { endpoint, seen } = await serve([
      (_req, res) =>
        res
          .writeHead(200, {
            'content-length': '1234',
            'content-type': 'image/webp',
            etag: '"abc"',
            'last-modified': 'Tue, 24 Nov 2026 10:00:00 GMT',
            'x-amz-meta-darkroom-render': 'packed',
            'x-amz-request-id': 'tx1',
          })
          .end(),
    ]);
    const head = await headFor(endpoint)({ bucket: 'b', key: 'variants/t/a/r1/out0.webp' });
    expect(head).toEqual({
      size: 1234,
      contentType: 'image/webp',
      etag: '"abc"',
      lastModified: new Date('2026-11-24T10:00:00Z'),
      metadata: { 'darkroom-render': 'packed' },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('HEAD');
    expect(seen[0]!.url).toMatch(/^\/b\/variants\/t\/a\/r1\/out0\.webp\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Signature=[0-9a-f]{64}/);
  });

  it('tries a 503 again, up to maxAttempts, and then says the storage is unavailable', async () => {
    const flaky = await serve([status(503), status(200)]);
    await expect(headFor(flaky.endpoint)({ bucket: 'b', key: 'k' })).resolves.toMatchObject({ size: 0 });
    expect(flaky.seen).toHaveLength(2);
    await new Promise((resolve) => server!.close(resolve));
    const down = await serve([status(503)]);
    await expect(headFor(down.endpoint)({ bucket: 'b', key: 'k' })).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(down.seen).toHaveLength(3);
  });

  it('does not try a 404 or a 403 again', async () => {
    const { endpoint, seen } = await serve([status(404), status(403)]);
    const head = headFor(endpoint);
    await expect(head({ bucket: 'b', key: 'gone' })).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(head({ bucket: 'b', key: 'denied' })).rejects.toBeInstanceOf(StorageAccessDeniedError);
    expect(seen).toHaveLength(2);
  });

  it('gives up on a server that never answers after the socket timeout', async () => {
    const { endpoint, seen } = await serve([() => {}]);
    await expect(headFor(endpoint, { maxAttempts: 1, socketTimeoutMs: 200 })({ bucket: 'b', key: 'k' })).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
    expect(seen).toHaveLength(1);
  });
});

describe('getStream without the SDK', () => {
  it('sends one signed GET and streams the body', async () => {
    const body = Buffer.alloc(300_000, 7);
    const { endpoint, seen } = await serve([(_req, res) => res.writeHead(200, { 'content-length': String(body.length) }).end(body)]);
    expect(await readAll(await getFor(endpoint)({ bucket: 'b', key: 'originals/t/a' }))).toEqual(body);
    expect(seen[0]!.method).toBe('GET');
    expect(seen[0]!.url).toMatch(/^\/b\/originals\/t\/a\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Signature=[0-9a-f]{64}/);
  });

  it("reads S3's error code from the body: a missing bucket is not a missing object", async () => {
    const xml = (code: string) => `<?xml version="1.0"?><Error><Code>${code}</Code><Message>m</Message></Error>`;
    const { endpoint, seen } = await serve([
      (_req, res) => res.writeHead(404, { 'content-type': 'application/xml' }).end(xml('NoSuchKey')),
      (_req, res) => res.writeHead(404, { 'content-type': 'application/xml' }).end(xml('NoSuchBucket')),
      (_req, res) => res.writeHead(503, { 'content-type': 'application/xml' }).end(xml('SlowDown')),
      (_req, res) => res.writeHead(200, { 'content-length': '2' }).end('ok'),
    ]);
    const get = getFor(endpoint);
    await expect(get({ bucket: 'b', key: 'gone' })).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(get({ bucket: 'nope', key: 'k' })).rejects.toBeInstanceOf(BucketNotFoundError);
    // The 503 is tried again; the second try answers.
    expect((await readAll(await get({ bucket: 'b', key: 'k' }))).toString()).toBe('ok');
    expect(seen).toHaveLength(4);
  });

  it('a body cut off midway fails as storage unavailable, not as a short image', async () => {
    const { endpoint } = await serve([
      (_req, res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.write(Buffer.alloc(1000));
        setTimeout(() => res.socket?.destroy(), 20);
      },
    ]);
    await expect(readAll(await getFor(endpoint)({ bucket: 'b', key: 'k' }))).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('a body that stalls fails after the socket timeout', async () => {
    const { endpoint } = await serve([
      (_req, res) => {
        res.writeHead(200, { 'content-length': '100000' });
        res.write(Buffer.alloc(1000));
      },
    ]);
    await expect(readAll(await getFor(endpoint, { socketTimeoutMs: 200 })({ bucket: 'b', key: 'k' }))).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
  });
});

describe('copyObject without the SDK', () => {
  const copy = { bucket: 'b', key: 'dest', sourceKey: 'src key', size: 10, contentType: 'image/jpeg', metadata: { record: 'abc' } };

  it('sends one signed PUT whose copy source, type and metadata are signed headers, and reads the source version', async () => {
    const { endpoint, seen } = await serve([
      (_req, res) => res.writeHead(200, { 'x-amz-copy-source-version-id': 'v1' }).end('<CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>'),
    ]);
    expect(await directFor(endpoint).copyObject({ ...copy, sourceIfMatch: '"etag"' })).toEqual({ sourceVersionId: 'v1' });
    const req = seen[0]!;
    expect(req.method).toBe('PUT');
    expect(req.headers).toMatchObject({
      'x-amz-copy-source': 'b/src%20key',
      'x-amz-copy-source-if-match': '"etag"',
      'x-amz-metadata-directive': 'REPLACE',
      'content-type': 'image/jpeg',
      'x-amz-meta-record': 'abc',
    });
    const signed = new URL(req.url!, endpoint).searchParams.get('X-Amz-SignedHeaders')!.split(';');
    expect(signed).toEqual(expect.arrayContaining(['x-amz-copy-source', 'x-amz-copy-source-if-match', 'x-amz-meta-record', 'content-type', 'host']));
  });

  it('takes a 200 whose body is an error as that error, tried again when it is transient', async () => {
    const error = (code: string) => `<?xml version="1.0"?><Error><Code>${code}</Code></Error>`;
    const { endpoint, seen } = await serve([
      (_req, res) => res.writeHead(200).end(error('InternalError')),
      (_req, res) => res.writeHead(200).end('<CopyObjectResult/>'),
    ]);
    expect(await directFor(endpoint).copyObject(copy)).toEqual({ sourceVersionId: undefined });
    expect(seen).toHaveLength(2);
  });

  it('refuses (null) a copy whose headers could not be signed as sent, sending nothing', async () => {
    const { endpoint, seen } = await serve([status(200)]);
    expect(await directFor(endpoint).copyObject({ ...copy, metadata: { note: ' leading space' } })).toBeNull();
    expect(seen).toHaveLength(0);
  });
});
