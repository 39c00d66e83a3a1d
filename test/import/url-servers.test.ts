import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { ImportItemView } from '@darkroom/core/contract/import';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { importItemsOf, runImport, serve, startFileServer, type FileServer, type Route } from '../support/imports.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A URL import against servers that misbehave (docs/api.md#imports-tenant-api-key), through the real
 * API, runner, Postgres and S3: each file's outcome is the one its server earns, and what may pass
 * (unreachable) is tried again once before it counts, what will not is not.
 */
/** The tenant's size limit: the photo fits, the endless and the announced-huge bodies do not. */
const MAX_BYTES = 200_000;
const ITEM_TIMEOUT_MS = 3000;
const harness = setupHarness({
  env: { IMPORT_ALLOW_PRIVATE: 'true', IMPORT_ITEM_TIMEOUT: `${ITEM_TIMEOUT_MS}ms`, IMPORT_RETRY_SCHEDULE: '100ms' },
});
const tenant = setupTenant(harness, 'url-servers');
let server: FileServer;
let jpeg: Buffer;

/** Writes an answer by hand, past what Node's server would let a handler send. */
const raw = (res: ServerResponse, bytes: string | Buffer) => res.socket!.write(bytes);

/** Sends `bytes` in `pieces` writes, `gapMs` apart: a slow server that still ends. */
const slowly =
  (bytes: Buffer, pieces: number, gapMs: number): Route =>
  (_req, res) => {
    res.writeHead(200, { 'content-length': bytes.length });
    const size = Math.ceil(bytes.length / pieces);
    let at = 0;
    const next = () => {
      if (res.destroyed) return;
      res.write(bytes.subarray(at, at + size));
      at += size;
      if (at < bytes.length) setTimeout(next, gapMs);
      else res.end();
    };
    next();
  };

beforeAll(async () => {
  const patched = await tenant.admin.request('PATCH', `/v1/admin/tenants/${tenant.tenantId}`, { maxUploadBytes: MAX_BYTES });
  expect(patched.status).toBe(200);
  harness.runImportsOf(tenant.tenantId);
  jpeg = await readFile(fixture('320x240.jpg'));
  expect(jpeg.length).toBeLessThan(MAX_BYTES);
  const hops: Record<string, Route> = {};
  for (let n = 1; n <= 4; n++) hops[`/hops/${n}`] = (_req, res) => res.writeHead(302, { location: n > 1 ? `/hops/${n - 1}` : '/photo.jpg' }).end();
  server = await startFileServer({
    ...hops,
    '/photo.jpg': serve(jpeg),
    // Slow, each gap far under the silence limit, and whole well within the item's limit.
    '/steady.jpg': slowly(jpeg, 8, ITEM_TIMEOUT_MS / 24),
    '/stall.jpg': (_req, res) => res.writeHead(200, { 'content-length': jpeg.length }).write(jpeg.subarray(0, 1000)),
    '/trickle.jpg': (_req, res) => {
      res.writeHead(200);
      res.write(jpeg.subarray(0, 1000));
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    },
    '/endless.jpg': (_req, res) => {
      res.writeHead(200);
      const more = () => !res.destroyed && res.write(jpeg.subarray(0, 16_384)) && setImmediate(more);
      res.on('drain', more);
      more();
    },
    '/huge.jpg': (_req, res) => res.writeHead(200, { 'content-length': 10_000_000 }).write(jpeg),
    '/short.jpg': (_req, res) => {
      raw(res, Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${jpeg.length}\r\n\r\n`), jpeg.subarray(0, 5000)]));
      setTimeout(() => res.socket?.destroy(), 50);
    },
    '/long.jpg': (_req, res) => {
      raw(res, Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${jpeg.length}\r\n\r\n`), jpeg, Buffer.from('and more')]));
      res.socket!.end();
    },
    '/long-later.jpg': (_req, res) => {
      raw(res, Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${jpeg.length}\r\n\r\n`), jpeg]));
      setTimeout(() => res.socket?.end('and more, once the file was read'), 200);
    },
    '/forbidden.jpg': (_req, res) => res.writeHead(403).end('expired'),
    '/gone.jpg': (_req, res) => res.writeHead(410).end(),
    '/broken.jpg': (_req, res) => res.writeHead(503).end(),
    '/notes.jpg': serve(Buffer.from('These are my notes, not a photo, whatever the name says.\n'.repeat(20))),
    '/empty.jpg': serve(Buffer.alloc(0)),
  });
});
afterAll(() => server?.close());

/** Each item's outcome by its path: `imported`, or its error code. */
const outcomes = (items: ImportItemView[]) =>
  Object.fromEntries(items.map((item) => [new URL(item.source).pathname, item.status === 'failed' ? item.error!.code : item.status]));

describe('a URL import from servers that misbehave', () => {
  it('takes each file its server sends whole and fails each other with the code the server earned, trying again only what may pass', async () => {
    const paths = [
      ...['/hops/1', '/hops/3', '/hops/4', '/steady.jpg', '/stall.jpg', '/trickle.jpg', '/endless.jpg', '/huge.jpg'],
      ...['/short.jpg', '/long.jpg', '/long-later.jpg', '/missing.jpg', '/forbidden.jpg', '/gone.jpg', '/broken.jpg', '/notes.jpg', '/empty.jpg'],
    ];
    // An externalId each: several items lead to the same file, and each must make an asset of its own.
    const done = await runImport(tenant.client, { source: { type: 'urls', items: paths.map((p) => ({ url: server.url(p), externalId: p })) } });
    const items = await importItemsOf(tenant.client, done.id);
    expect(outcomes(items)).toEqual({
      '/hops/1': 'imported',
      '/hops/3': 'imported',
      '/hops/4': 'source_unreachable',
      '/steady.jpg': 'imported',
      '/stall.jpg': 'source_unreachable',
      '/trickle.jpg': 'source_unreachable',
      '/endless.jpg': 'file_too_large',
      '/huge.jpg': 'file_too_large',
      '/short.jpg': 'content_mismatch',
      '/long.jpg': 'content_mismatch',
      // The bytes after the announced ones come once the file was read: HTTP says the file ended.
      '/long-later.jpg': 'imported',
      '/missing.jpg': 'source_not_found',
      '/forbidden.jpg': 'source_forbidden',
      '/gone.jpg': 'source_not_found',
      '/broken.jpg': 'source_unreachable',
      '/notes.jpg': 'unsupported_media_type',
      '/empty.jpg': 'empty_file',
    });
    expect(done).toMatchObject({ status: 'done', counts: { found: paths.length, imported: 4, skipped: 0, failed: paths.length - 4 } });
    expect(done.counts.bytes).toBe(4 * jpeg.length);

    const byPath = new Map(items.map((item) => [new URL(item.source).pathname, item]));
    const error = (path: string) => byPath.get(path)!.error!;
    expect(error('/hops/4').message).toMatch(/redirects more than 3 times/);
    expect(error('/trickle.jpg').message).toMatch(`did not answer in full within ${ITEM_TIMEOUT_MS / 1000} s`);
    expect(error('/stall.jpg').message).toMatch(/nothing received for|did not answer in full within/);
    expect(error('/endless.jpg').message).toMatch(`limit of ${MAX_BYTES} bytes`);
    expect(error('/huge.jpg').message).toMatch(`The file is 10000000 bytes; the limit is ${MAX_BYTES} bytes`);
    expect(error('/short.jpg').message).toMatch(`announced ${jpeg.length} bytes (Content-Length) but sent 5000`);
    expect(error('/long.jpg').message).toMatch(/but sent more/);

    // What may pass was asked for twice (IMPORT_RETRY_SCHEDULE has one delay); what will not, once.
    for (const path of ['/hops/4', '/stall.jpg', '/trickle.jpg', '/broken.jpg']) expect(server.hits(path), path).toBe(2);
    for (const path of ['/endless.jpg', '/huge.jpg', '/short.jpg', '/long.jpg', '/missing.jpg', '/forbidden.jpg', '/notes.jpg', '/empty.jpg']) {
      expect(server.hits(path), path).toBe(1);
    }
    // Reached through /hops/1 and /hops/3; never through /hops/4, whose fourth redirect is refused unsent.
    expect(server.hits('/photo.jpg')).toBe(2);

    for (const path of ['/hops/3', '/steady.jpg', '/long-later.jpg']) {
      const asset = await tenant.client.waitForAsset(byPath.get(path)!.assetId!);
      expect(asset, path).toMatchObject({ status: 'ready', size: jpeg.length, contentType: 'image/jpeg' });
    }
  });
});
