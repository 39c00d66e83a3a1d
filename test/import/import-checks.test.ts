import { MAX_IMPORT_BODY_BYTES } from '@darkroom/core/limits';
import { importItems } from '@darkroom/db/import-schema';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { expectRefusal } from '../support/hostile.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * What `POST /v1/imports` refuses at the call, before anything is recorded or fetched
 * (docs/api.md#imports-tenant-api-key): `400 invalid_request`, its details naming the item's index or
 * the limit. No runner runs this tenant's imports: nothing here is ever fetched.
 */
const BACKUP = { endpoint: 'https://backups.example.test', bucket: 'darkroom-test-backups' };
const harness = setupHarness({ withWorker: false, env: { BACKUP_S3_ENDPOINT: BACKUP.endpoint, BACKUP_S3_BUCKET: BACKUP.bucket } });
const tenant = setupTenant(harness, 'import-checks');

const photo = (n: number) => ({ url: `https://cdn.example.test/library/${n}.jpg` });
const urls = (items: unknown[], extra: Record<string, unknown> = {}) => ({ source: { type: 'urls', items }, ...extra });
const bucket = (fields: Record<string, unknown>) => ({
  source: { type: 'bucket', region: 'us-east-1', bucket: 'their-library', accessKeyId: 'AKIATHEIRS', secretAccessKey: 'their-secret', ...fields },
});

/** The refusal of `body`: 400 invalid_request, nothing internal named; its error. */
async function refused(body: unknown): Promise<{ message: string; details?: Record<string, unknown> }> {
  const res = await tenant.client.raw('POST', '/v1/imports', body);
  expectRefusal(harness, res, 400, 'invalid_request');
  return res.body.error;
}

const importCount = async () => (await tenant.client.raw('GET', '/v1/imports?limit=100')).body.items.length;

describe('POST /v1/imports refuses at the call', () => {
  it('more than 10,000 items, naming the limit', async () => {
    const error = await refused(urls(Array.from({ length: 10_001 }, (_, n) => photo(n))));
    expect(error.details).toEqual({ limit: 10_000 });
    expect(error.message).toMatch(/at most 10000 items; this one has 10001/);
  });

  it('a URL that is not absolute http or https, carries a password, or passes 8 KiB, naming its index', async () => {
    const long = `https://cdn.example.test/${'a'.repeat(8192 - 'https://cdn.example.test/'.length + 1)}`;
    expect(Buffer.byteLength(long)).toBe(8193);
    const bad = [
      'file:///etc/passwd',
      'ftp://files.example.test/a.jpg',
      'gopher://files.example.test:70/_x',
      '/library/a.jpg',
      '//cdn.example.test/a.jpg',
    ];
    for (const url of [...bad, 'a.jpg', 'https://user:pass@cdn.example.test/a.jpg', long]) {
      const error = await refused(urls([photo(0), photo(1), photo(2), { url }]));
      expect(error.details, url.slice(0, 40)).toEqual({ index: 3, field: 'url' });
      expect(error.message).toMatch(/^source\.items\[3\]\.url /);
      // The refusal never repeats the URL (it may carry a signature).
      expect(error.message).not.toContain(url.slice(0, 30));
    }
    expect((await refused(urls([{ url: long }]))).message).toMatch(/longer than 8192 bytes/);
    expect(await importCount()).toBe(0);
  });

  it('a filename an upload would refuse: blank, with a control character, or a path, naming its index', async () => {
    const bad: [string, RegExp][] = [
      ['   ', /blank/],
      ['a\tb.jpg', /control characters/],
      ['photo.jpg\r\nSet-Cookie: a=b', /control characters/],
      ['../../etc/passwd', /bare file name/],
      ['albums\\2019\\a.jpg', /bare file name/],
    ];
    for (const [filename, problem] of bad) {
      const error = await refused(urls([photo(0), { ...photo(1), filename }]));
      expect(error.details, JSON.stringify(filename)).toEqual({ index: 1, field: 'filename' });
      expect(error.message).toMatch(/^source\.items\[1\]\.filename /);
      expect(error.message).toMatch(problem);
    }
    expect(await importCount()).toBe(0);
  });

  it('an item whose metadata, merged with the import’s and its import block, would pass 4 KiB', async () => {
    const half = { text: 'm'.repeat(2100) };
    // Each alone fits; merged, they do not.
    const error = await refused(urls([photo(0), { ...photo(1), metadata: { caption: half } }], { metadata: { album: half } }));
    expect(error.details).toEqual({ index: 1, maxBytes: 4096 });
    // The import's own metadata too large: no index.
    expect((await refused(urls([photo(0)], { metadata: { album: 'm'.repeat(4100) } }))).details).toEqual({ maxBytes: 4096 });
    // Its depth too, by index.
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 11; level++) deep = { deep };
    expect((await refused(urls([photo(0), { ...photo(1), metadata: deep }]))).details).toEqual({ index: 1, field: 'metadata' });
    // Close to the limit but under it, with the import block: taken.
    const fits = await tenant.client.raw('POST', '/v1/imports', urls([{ ...photo(0), metadata: { caption: 'm'.repeat(3900) } }]));
    expect(fits.status).toBe(202);
    await tenant.client.raw('POST', `/v1/imports/${fits.body.import.id}/cancel`);
  });

  it('a bucket name with path junk or outside S3’s rules, and an endpoint that is not an absolute http(s) URL', async () => {
    for (const name of ['a/../b', 'b?x', 'b#x', 'Uppercase', '../b', 'b/', 'ab', 'a'.repeat(64), '192.168.1.1', 'a..b', '-ab']) {
      expect((await refused(bucket({ bucket: name }))).details, name).toEqual({ field: 'source.bucket' });
    }
    for (const endpoint of [
      's3.example.test',
      'ftp://s3.example.test',
      'file:///tmp',
      '/s3',
      'https://key:secret@s3.example.test',
      'https://s3.example.test/bucket',
    ]) {
      expect((await refused(bucket({ endpoint }))).details, endpoint).toEqual({ field: 'source.endpoint' });
    }
    expect(await importCount()).toBe(1);
  });

  it('a region no S3 server has: only letters, digits, "-" and "_" go into a signature', async () => {
    const before = await importCount();
    for (const region of ['us-east-1 ', ' us-east-1', 'us east 1', 'us-east-1\n', 'us/east/1', 'us-east-1?x', 'é']) {
      const error = await refused(bucket({ region }));
      expect(error.details, JSON.stringify(region)).toEqual({ field: 'source.region' });
      expect(error.message).toMatch(/^source\.region /);
    }
    expect(await importCount()).toBe(before);
    for (const region of ['us-east-1', 'us-west-004', 'auto', 'eu_central_1', 'DEFAULT']) {
      const taken = await tenant.client.raw('POST', '/v1/imports', bucket({ region }));
      expect(taken.status, region).toBe(202);
      await tenant.client.raw('POST', `/v1/imports/${taken.body.import.id}/cancel`);
    }
  });

  it('a key ID that is not printable ASCII, which no S3 server issues and no request header carries', async () => {
    const before = await importCount();
    for (const accessKeyId of ['AKIA\n', 'AKIA\r\nX-Evil: 1', 'AKIA\u0001', 'AK IA', 'AKIA\u2028', 'AKIA\u{1F511}']) {
      const error = await refused(bucket({ accessKeyId }));
      expect(error.details, JSON.stringify(accessKeyId)).toEqual({ field: 'source.accessKeyId' });
      expect(error.message).toMatch(/^source\.accessKeyId /);
    }
    expect(await importCount()).toBe(before);
  });

  it("the deployment's own originals, variants and backup buckets, with any credentials", async () => {
    const { storage } = harness.api.config;
    const own = [
      { bucket: storage.bucket },
      { bucket: storage.publicBucket },
      { bucket: storage.bucket, endpoint: storage.endpoint },
      { bucket: storage.publicBucket, endpoint: `${storage.endpoint}/` },
      { bucket: BACKUP.bucket, endpoint: BACKUP.endpoint },
      { bucket: storage.bucket, accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
    ];
    for (const fields of own) {
      const error = await refused(bucket(fields));
      expect(error.message, JSON.stringify(fields)).toMatch(/one of this Darkroom's own buckets/);
    }
    // The same names elsewhere are a tenant's own buckets: taken.
    const elsewhere = await tenant.client.raw('POST', '/v1/imports', bucket({ bucket: storage.bucket, endpoint: 'https://s3.example.test' }));
    expect(elsewhere.status).toBe(202);
    expect(elsewhere.body.import.source).toEqual({ type: 'bucket', bucket: storage.bucket, endpoint: 'https://s3.example.test' });
    expect(JSON.stringify(elsewhere.body)).not.toContain('their-secret');
    await tenant.client.raw('POST', `/v1/imports/${elsewhere.body.import.id}/cancel`);
  });

  it('a body over 16 MiB, naming the limit', async () => {
    const padding = 'x'.repeat(MAX_IMPORT_BODY_BYTES);
    const error = await refused(urls([photo(0)], { metadata: { padding } }));
    expect(error.message).toContain(`${MAX_IMPORT_BODY_BYTES / 1024} KiB`);
  });
});

describe('POST /v1/imports takes', () => {
  it('10,000 items of presigned URLs of about 1 KB each, one of exactly 8 KiB, under 16 MiB', async () => {
    const presigned = (n: number, token = 'T'.repeat(700)) =>
      `https://library.s3.us-east-1.example.test/photos/2024/${String(n).padStart(5, '0')}.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
      `&X-Amz-Credential=ASIAEXAMPLE%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=3600` +
      `&X-Amz-Security-Token=${token}&X-Amz-SignedHeaders=host&X-Amz-Signature=${n.toString(16).padStart(64, '0')}`;
    const items = Array.from({ length: 10_000 }, (_, n) => ({ url: presigned(n) }));
    // The longest a URL may be, its length in its signature (a session token), as a long one is.
    items[0] = { url: presigned(0, 'T'.repeat(700 + 8192 - presigned(0).length)) };
    expect(Buffer.byteLength(items[0].url)).toBe(8192);
    const body = JSON.stringify(urls(items));
    expect(Buffer.byteLength(body)).toBeGreaterThan(10_000_000);
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_IMPORT_BODY_BYTES);

    const res = await tenant.client.raw('POST', '/v1/imports', JSON.parse(body));
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(202);
    expect(res.body.import).toMatchObject({ status: 'running', dryRun: false, counts: { found: 10_000, imported: 0, skipped: 0, failed: 0 } });
    const canceled = await tenant.client.raw('POST', `/v1/imports/${res.body.import.id}/cancel`);
    expect(canceled.body.import.status).toBe('canceled');
    const [row] = await harness.api.db
      .select({ n: sql<number>`count(*)::int`, last: sql<string>`max(source)` })
      .from(importItems)
      .where(eq(importItems.importId, res.body.import.id));
    expect(row!.n).toBe(10_000);
    // What is kept to show of each is without its signature.
    expect(row!.last).toBe('https://library.s3.us-east-1.example.test/photos/2024/09999.jpg');
  });
});
