import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Storage } from './s3-storage.js';
import type { ObjectLocation, StorageObserver, WrittenObject } from './types.js';

let server: Server | undefined;
let rawServer: NetServer | undefined;

/** An S3 stand-in answering request n with `answers[n]` (the last one repeated); returns its endpoint and the requests it saw. */
async function serve(answers: ((req: IncomingMessage, res: ServerResponse) => void)[]) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    (answers[seen.length - 1] ?? answers.at(-1)!)(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

afterEach(async () => {
  rawServer?.close();
  rawServer = undefined;
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** An observer that remembers what it was told. */
function recordingObserver() {
  const told = { requests: [] as string[], presigned: [] as string[], written: [] as WrittenObject[], deleted: [] as ObjectLocation[] };
  const observer: StorageObserver = {
    request: (operation, _bucket, key) => void told.requests.push(`${operation} ${key}`),
    presigned: (kind, key) => void told.presigned.push(`${kind} ${key}`),
    written: async (objects) => void told.written.push(...objects),
    deleted: async (objects) => void told.deleted.push(...objects),
  };
  return { told, observer };
}

const storageFor = (endpoint: string, observer: StorageObserver) =>
  createS3Storage(
    { endpoint, region: 'us-east-1', accessKeyId: 'AKID', secretAccessKey: 'secret', bucket: 'b', publicBucket: 'b', cdnBaseUrl: undefined },
    { observer, maxAttempts: 3 },
  );

const unavailable = (_req: IncomingMessage, res: ServerResponse) => res.writeHead(503).end();

describe('the storage observer', () => {
  it('is told of every attempt of an SDK request, the retry after a 503 included', async () => {
    const { endpoint, seen } = await serve([unavailable, (_req, res) => res.writeHead(200, { etag: '"e"' }).end()]);
    const { told, observer } = recordingObserver();
    await storageFor(endpoint, observer).putObject({ bucket: 'b', key: 'originals/t/a', body: Buffer.from('four'), contentType: 'text/plain' });
    expect(seen).toHaveLength(2);
    expect(told.requests).toEqual(['PutObjectCommand originals/t/a', 'PutObjectCommand originals/t/a']);
    expect(told.written).toEqual([{ bucket: 'b', key: 'originals/t/a', bytes: 4 }]);
  });

  it('is told of every attempt of a request sent without the SDK (s3-direct.ts)', async () => {
    const { endpoint, seen } = await serve([unavailable, (_req, res) => res.writeHead(200, { 'content-length': '9' }).end()]);
    const { told, observer } = recordingObserver();
    expect((await storageFor(endpoint, observer).headObject({ bucket: 'b', key: 'variants/t/x' })).size).toBe(9);
    expect(seen).toHaveLength(2);
    expect(told.requests).toEqual(['HeadObject variants/t/x', 'HeadObject variants/t/x']);
  });

  it('is told of each presigned URL, of an upload or a read, and of nothing it did not send', async () => {
    const { told, observer } = recordingObserver();
    const storage = storageFor('http://127.0.0.1:1', observer);
    await storage.presignPut({ bucket: 'b', key: 'staging/t/a', contentType: 'image/png', contentLength: 1, expiresInSeconds: 60 });
    await storage.presignUploadPart({ bucket: 'b', key: 'staging/t/a', uploadId: 'u', partNumber: 1, contentLength: 1, expiresInSeconds: 60 });
    await storage.presignMultipartRequest({ bucket: 'b', key: 'staging/t/a', uploadId: 'u', operation: 'ListParts', expiresInSeconds: 60 });
    await storage.presignGet({ bucket: 'b', key: 'originals/t/a', expiresInSeconds: 60 });
    expect(told.presigned).toEqual(['upload staging/t/a', 'upload staging/t/a', 'upload staging/t/a', 'read originals/t/a']);
    expect(told.requests).toEqual([]);
  });

  it('is told of a try once it ended, and of none that never reached the server', async () => {
    const { told, observer } = recordingObserver();
    const storage = storageFor('http://127.0.0.1:1', observer);
    await expect(storage.headObject({ bucket: 'b', key: 'variants/t/x' })).rejects.toThrow();
    await expect(storage.putObject({ bucket: 'b', key: 'originals/t/a', body: Buffer.from('x'), contentType: 'text/plain' })).rejects.toThrow();
    expect(told.requests).toEqual([]);
  });

  it('is told of no write that failed', async () => {
    const { endpoint } = await serve([(_req, res) => res.writeHead(403).end()]);
    const { told, observer } = recordingObserver();
    const put = storageFor(endpoint, observer).putObject({ bucket: 'b', key: 'originals/t/a', body: Buffer.from('x'), contentType: 'text/plain' });
    await expect(put).rejects.toThrow();
    expect(told.requests).toHaveLength(1);
    expect(told.written).toEqual([]);
  });

  it('is told of each try the server saw, even when the loop was held past the server closing an idle socket', async () => {
    const other = await serveElsewhere();
    try {
      const { told, observer } = recordingObserver();
      const storage = storageFor(other.endpoint, observer);
      const put = () => storage.putObject({ bucket: 'b', key: 'originals/t/a', body: Buffer.from('x'), contentType: 'text/plain' });
      await put();
      await storage.headObject({ bucket: 'b', key: 'variants/t/x' });
      holdTheLoop(4_000);
      await Promise.all([put(), storage.headObject({ bucket: 'b', key: 'variants/t/x' })]);
      expect(told.requests).toHaveLength(4);
      expect(await other.seen()).toBe(4);
    } finally {
      other.child.kill();
    }
  });

  it('is told of no try whose TLS handshake never ended, the request unsent', async () => {
    let connections = 0;
    const raw = createNetServer((socket) => {
      connections++;
      socket.destroy();
    });
    rawServer = raw;
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const { told, observer } = recordingObserver();
    const storage = storageFor(`https://127.0.0.1:${(raw.address() as AddressInfo).port}`, observer);
    await expect(storage.headObject({ bucket: 'b', key: 'variants/t/x' })).rejects.toThrow();
    await expect(storage.putObject({ bucket: 'b', key: 'originals/t/a', body: Buffer.from('x'), contentType: 'text/plain' })).rejects.toThrow();
    expect(connections).toBeGreaterThanOrEqual(2);
    expect(told.requests).toEqual([]);
  });

  it('is not told of a try reset unread on a reused socket (the keep-alive race), but of its retry', async () => {
    const { endpoint, answered } = await serveResettingReusedSockets();
    const { told, observer } = recordingObserver();
    const storage = storageFor(endpoint, observer);
    const put = () => storage.putObject({ bucket: 'b', key: 'originals/t/a', body: Buffer.from('x'), contentType: 'text/plain' });
    const head = () => storage.headObject({ bucket: 'b', key: 'variants/t/x' });
    for (const send of [put, put, head, head]) await send();
    // The second of each went out on the first's socket, was reset, and was sent again on a new one.
    expect(answered).toEqual(['PUT', 'PUT', 'HEAD', 'HEAD']);
    expect(told.requests).toEqual([
      'PutObjectCommand originals/t/a',
      'PutObjectCommand originals/t/a',
      'HeadObject variants/t/x',
      'HeadObject variants/t/x',
    ]);
  });
});

/**
 * An S3 stand-in that answers the first request on each connection (200, kept alive) and resets the
 * connection when a second one arrives, unread: a server closing an idle socket as a try is written.
 */
async function serveResettingReusedSockets() {
  const answered: string[] = [];
  const raw = createNetServer((socket) => {
    let head = Buffer.alloc(0);
    let done = false;
    socket.on('data', (chunk: Buffer) => {
      if (done) return socket.resetAndDestroy();
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      const length = Number(/content-length: *(\d+)/i.exec(head.toString('latin1'))?.[1] ?? 0);
      if (end < 0 || head.length < end + 4 + length) return;
      done = true;
      answered.push(head.toString('latin1').split(' ')[0]!);
      socket.write('HTTP/1.1 200 OK\r\nETag: "e"\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n');
    });
  });
  rawServer = raw;
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`, answered };
}

/** Holds the event loop, as a long synchronous stretch (a model's inference) does. */
function holdTheLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

/**
 * An S3 stand-in in another process, so it closes idle keep-alive sockets (after 2 s, plus Node's
 * grace) while this one's loop is held; it answers 200 to everything and counts what it saw.
 */
async function serveElsewhere() {
  const code = `
    let seen = 0;
    const server = require('node:http').createServer((req, res) => {
      seen++;
      req.resume();
      req.on('end', () => res.writeHead(200, { etag: '"e"', 'content-length': '1' }).end(req.method === 'HEAD' ? undefined : 'x'));
    });
    server.keepAliveTimeout = 2_000;
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
    process.stdin.on('data', () => console.log(seen));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = child.stdout.setEncoding('utf8');
  const nextLine = () => new Promise<string>((resolve) => lines.once('data', (text: string) => resolve(text.trim())));
  const port = await nextLine();
  return {
    child,
    endpoint: `http://127.0.0.1:${port}`,
    seen: async () => {
      child.stdin.write('\n');
      return Number(await nextLine());
    },
  };
}
