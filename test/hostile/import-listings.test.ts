import type { ImportView } from '@darkroom/core/contract/import';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingInternal } from '../support/hostile.js';
import {
  type HostileBucket,
  type HostileBucketOptions,
  LISTING_TAIL,
  type ListedKey,
  listingHead,
  startHostileBucket,
  streamedListing,
  unacceptingPort,
} from '../support/hostile-bucket.js';
import { importItemRows } from '../support/import-rows.js';
import { waitForImport } from '../support/imports.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A bucket source's listing comes from a server the tenant chose: it may answer `IsTruncated=true`
 * for ever, the same keys again, a million keys in one page, or a body that never ends. An import
 * lists what moves forward, once, in S3's order, and ends (docs/security.md, imports): each case is
 * a small server of the test's own (test/support/hostile-bucket.ts). Dry runs, so only the listing
 * is read.
 */
const MAX_ITEMS = 1000;
const harness = setupHarness({
  withWorker: false,
  env: { IMPORT_ALLOW_PRIVATE: 'true', IMPORT_RETRY_SCHEDULE: '100ms', IMPORT_MAX_ITEMS: String(MAX_ITEMS), IMPORT_CONNECT_TIMEOUT: '1s' },
});
const tenant = setupTenant(harness, 'hostile-listings');
let server: HostileBucket | undefined;
beforeAll(() => void harness.runImportsOf(tenant.tenantId));
afterEach(() => server?.close());

const keys = (from: number, to: number): ListedKey[] =>
  Array.from({ length: to - from }, (_, n) => ({ key: `k/${String(from + n).padStart(8, '0')}.jpg` }));

/** A dry run of the stranger's bucket at `endpoint`, to its end. */
async function listedImport(endpoint: string, timeoutMs = 60_000): Promise<ImportView> {
  const source = {
    type: 'bucket',
    endpoint,
    region: 'us-east-1',
    bucket: 'their-library',
    accessKeyId: 'AKIASTRANGER',
    secretAccessKey: 'stranger-secret',
  };
  const res = await tenant.client.raw('POST', '/v1/imports', { source, dryRun: true });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const ended = await waitForImport(tenant.client, res.body.import.id, undefined, timeoutMs);
  expectNothingInternal(harness, ended);
  return ended;
}

async function listing(list: HostileBucketOptions['list']): Promise<{ ended: ImportView; sources: string[] }> {
  server = await startHostileBucket({ list });
  const ended = await listedImport(server.endpoint);
  const sources = (await importItemRows(harness.api.db, ended.id)).map((row) => row.source);
  return { ended, sources };
}

describe('a listing that never ends', () => {
  it('of new keys page after page stops at IMPORT_MAX_ITEMS: source_too_large, naming the setting', async () => {
    const { ended, sources } = await listing(({ n }) => ({ keys: keys(n * 400, (n + 1) * 400), truncated: true }));
    expect([ended.status, ended.error?.code]).toEqual(['failed', 'source_too_large']);
    expect(ended.error!.message).toMatch(new RegExp(`more than ${MAX_ITEMS} objects.*\\(IMPORT_MAX_ITEMS\\)`));
    // Two pages taken; the third would pass the limit, and is not.
    expect([ended.counts.found, sources.length, server!.listings.length]).toEqual([800, 800, 3]);
  });

  it('of the same page again and again is refused once a page moves on past nothing: source_unreachable', async () => {
    const { ended, sources } = await listing(() => ({ keys: keys(0, 3), truncated: true }));
    expect([ended.status, ended.error?.code]).toEqual(['failed', 'source_unreachable']);
    expect(ended.error!.message).toMatch(/does not move on past the keys it already listed/);
    expect([ended.counts.found, sources.length]).toEqual([3, 3]);
    // The first page, then the same page once and once again after the retry schedule's one delay.
    expect(server!.listings.length).toBe(3);
  });
});

describe('keys listed again, or out of order', () => {
  it('are each taken once, in order: a key at or before the cursor or the key before it is skipped', async () => {
    const all = keys(1, 9);
    // Pages of keys by number (1 to 8): each repeats the page before's last keys, the third goes back to the first.
    const pages = [
      [1, 2, 3],
      [2, 3, 4, 5],
      [5, 6, 1, 7],
      [7, 8],
    ].map((page) => page.map((n) => all[n - 1]!));
    const { ended, sources } = await listing(({ n }) => ({ keys: pages[n]!, truncated: n < pages.length - 1 }));
    expect([ended.status, ended.counts.found]).toEqual(['done', 8]);
    expect(sources).toEqual(all.map((k) => `their-library/${k.key}`));
    expect(server!.listings.map((l) => l.startAfter)).toEqual([null, 3, 5, 7].map((n) => (n === null ? null : all[n - 1]!.key)));
  });

  it('in S3 order, the UTF-8 bytes: a key past U+FFFF comes after one of U+FFFD, as JavaScript strings would not have it', async () => {
    const [replacement, emoji] = ['k/a\uFFFD.jpg', 'k/a\u{1F600}.jpg'];
    expect(emoji < replacement).toBe(true);
    const { ended, sources } = await listing(({ startAfter }) =>
      startAfter === null ? { keys: [{ key: replacement }], truncated: true } : { keys: [{ key: emoji }], truncated: false },
    );
    expect([ended.status, sources]).toEqual(['done', [`their-library/${replacement}`, `their-library/${emoji}`]]);
    expect(server!.listings.map((l) => l.startAfter)).toEqual([null, replacement]);
  });
});

describe('a page past what S3 sends', () => {
  it('of 1,001 objects is refused: source_too_large, nothing of it kept', async () => {
    const { ended, sources } = await listing(() => ({ keys: keys(0, 1001), truncated: false }));
    expect([ended.status, ended.error?.code, ended.counts.found, sources.length]).toEqual(['failed', 'source_too_large', 0, 0]);
    expect(ended.error!.message).toMatch(/more than 1000 objects/);
  });

  it('with a key holding a NUL, which XML cannot carry, is refused: source_too_large, not an internal error', async () => {
    const page = [{ key: 'k/0.jpg' }, { key: 'k/a\u0000b.jpg' }, { key: 'k/z.jpg' }];
    const { ended, sources } = await listing(() => ({ keys: page, truncated: false }));
    expect([ended.status, ended.error?.code, ended.counts.found, sources.length]).toEqual(['failed', 'source_too_large', 0, 0]);
    expect(ended.error!.message).toMatch(/a key holding a NUL character/);
  });

  it('with an ETag holding a NUL is refused as a key holding one is: source_too_large, not an internal error', async () => {
    const entry = '<Contents><Key>k/1.jpg</Key><ETag>&quot;a&#0;b&quot;</ETag><Size>10</Size></Contents>';
    const { ended, sources } = await listing((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`${listingHead(false)}${entry}${LISTING_TAIL}`);
      return undefined;
    });
    expect([ended.status, ended.error?.code, ended.counts.found, sources.length]).toEqual(['failed', 'source_too_large', 0, 0]);
    expect(ended.error!.message).toMatch(/an ETag holding a NUL character/);
  });

  it('with a size no object has (negative, fractional, past 2^53) is refused: source_too_large, not an internal error', async () => {
    for (const size of [-5, 0.5, 1e21, 2 ** 53 + 2]) {
      const { ended, sources } = await listing(() => ({ keys: [{ key: 'k/0.jpg' }, { key: 'k/1.jpg', size }], truncated: false }));
      expect([ended.status, ended.error?.code, ended.counts, sources.length], String(size)).toEqual([
        'failed',
        'source_too_large',
        { found: 0, imported: 0, skipped: 0, failed: 0, bytes: 0 },
        0,
      ]);
      expect(ended.error!.message).toMatch(/an object size that is not a whole number of bytes/);
      await server!.close();
    }
  });

  it('of a million entries, sent without a length, is cut off past the byte limit before it is parsed', async () => {
    const { ended } = await listing((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      streamedListing(1_000_000).pipe(res);
      return undefined;
    });
    expect([ended.status, ended.error?.code, ended.counts.found]).toEqual(['failed', 'source_too_large', 0]);
    expect(ended.error!.message).toMatch(/more than 4 MiB/);
    // Whole, the page is over 150 MB: the connection was closed a few MiB in (the sockets' buffers).
    expect(server!.listingBytesSent).toBeLessThan(40 * 1024 * 1024);
  });

  it('announcing a body of a GiB is refused by its Content-Length, its body never read', async () => {
    const { ended } = await listing((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/xml', 'content-length': 1024 ** 3 });
      streamedListing(10_000_000).pipe(res);
      return undefined;
    });
    expect([ended.status, ended.error?.code, ended.counts.found]).toEqual(['failed', 'source_too_large', 0]);
    expect(server!.listingBytesSent).toBeLessThan(40 * 1024 * 1024);
  });
});

describe('an endpoint that never accepts the connection', () => {
  it('is unreachable after IMPORT_CONNECT_TIMEOUT a try, not the storage client’s own 5 s', async () => {
    const port = await unacceptingPort();
    try {
      // Four tries of the client, twice (the retry schedule's one delay): at 1 s each well within the wait, at 5 s each not.
      const ended = await listedImport(`http://127.0.0.1:${port.port}`, 25_000);
      expect([ended.status, ended.error?.code]).toEqual(['failed', 'source_unreachable']);
      expect(ended.error!.message).toMatch(/no answer came in time/);
    } finally {
      port.close();
    }
  });
});
