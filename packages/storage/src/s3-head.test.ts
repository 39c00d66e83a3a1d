import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ObjectNotFoundError, StorageAccessDeniedError, StorageUnavailableError } from './errors.js';
import { createPresigner } from './presigner.js';
import { createHead } from './s3-head.js';

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

function headFor(endpoint: string, options: Partial<Parameters<typeof createHead>[2]> = {}) {
  const presigner = createPresigner({ endpoint, region: 'us-east-1', accessKeyId: 'AKID', secretAccessKey: 'secret' });
  return createHead(endpoint, presigner, { maxAttempts: 3, connectionTimeoutMs: 1000, socketTimeoutMs: 1000, ...options });
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
