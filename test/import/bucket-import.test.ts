import { randomUUID } from 'node:crypto';
import type { CopyObjectOptions, UploadStreamOptions } from '@darkroom/storage';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { assetStatusCounts, expectEachImportedOnce, importItemRows } from '../support/import-rows.js';
import { waitForImport } from '../support/imports.js';
import { waitFor } from '../support/services.js';
import { createSourceBucket, type SnapshotEntry, type SourceBucket } from '../support/source-bucket.js';
import { setupHarness } from '../support/setup-harness.js';

// A platform's own bucket, of a second user of the tests' S3 server with keys of its own: imported
// once with a policy that lets the deployment's key read it (server-side copies), once without.
const PHOTOS = 1000;
const harness = setupHarness({ env: { BACKFILL_CONCURRENCY: '6' } });
let source: SourceBucket;
let before: SnapshotEntry[];

beforeAll(async () => {
  // Tiny photos process fast, but a thousand of them on one job slot would dominate the file.
  source = await createSourceBucket({ photos: PHOTOS });
  before = await source.snapshot();
}, 120_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await source?.remove();
});

const bucketSource = (overrides: Record<string, string> = {}) => ({
  type: 'bucket',
  region: 'us-east-1',
  bucket: source.name,
  prefix: source.prefix,
  ...source.credentials,
  ...overrides,
});

async function startImport(tenant: TestTenant, overrides: Record<string, string> = {}) {
  const started = await tenant.client.raw('POST', '/v1/imports', { source: bucketSource(overrides) });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return started.body.import.id as string;
}

/** The deployment storage's calls (the worker's, which runs the import) that named the source bucket (copies) or the tenant's staging keys (streams). */
function storageCalls() {
  const copies = vi.spyOn(harness.workerDeps.storage, 'copyObject');
  const streams = vi.spyOn(harness.workerDeps.storage, 'uploadStream');
  return {
    copies: async () => {
      const calls = copies.mock.calls.map(([o], n) => [o, copies.mock.settledResults[n]] as const);
      const ofSource = calls.filter(([o]) => (o as CopyObjectOptions).sourceBucket === source.name);
      return { made: ofSource.filter(([, r]) => r?.type === 'fulfilled').length, refused: ofSource.filter(([, r]) => r?.type === 'rejected').length };
    },
    streams: (tenantId: string) => streams.mock.calls.filter(([o]) => (o as UploadStreamOptions).key.includes(tenantId)).length,
    restore() {
      copies.mockRestore();
      streams.mockRestore();
    },
  };
}

/** A tenant of its own whose imports this file's runner runs. */
async function importingTenant(name: string): Promise<TestTenant> {
  const tenant = await createTestTenant(harness, name);
  harness.runImportsOf(tenant.tenantId);
  return tenant;
}

const photoSources = () => source.photoKeys.map((key) => `${source.name}/${key}`);

/** One import of the whole prefix: every photo once, the files that are no media failed, nothing streamed or copied past that. */
async function importWhole(tenant: TestTenant) {
  const started = Date.now();
  const id = await startImport(tenant);
  const done = await waitForImport(tenant.client, id, undefined, 300_000);
  const importMs = Date.now() - started;
  // The placeholder `folder/` is no file: 1,000 photos, a text file, JSON and an empty object.
  expect(done).toMatchObject({ status: 'done', error: null, counts: { found: PHOTOS + 3, imported: PHOTOS, skipped: 0, failed: 3 } });
  const items = await importItemRows(harness.api.db, id);
  const failed = items.filter((i) => i.status === 'failed').map((i) => [i.source.slice(source.name.length + 1), i.error_code]);
  expect(failed.sort()).toEqual([
    [`${source.prefix}empty.bin`, 'empty_file'],
    [`${source.prefix}meta/data.json`, 'unsupported_media_type'],
    [`${source.prefix}notes.txt`, 'unsupported_media_type'],
  ]);
  await expectEachImportedOnce(harness.api.db, { tenantId: tenant.tenantId, importIds: [id], sources: photoSources() });
  return { id, importMs };
}

/** Every asset reaches `queued` or later at once; all of them `ready` once the worker has been through them. */
async function expectProcessed(tenant: TestTenant) {
  const started = Date.now();
  const counts = await waitFor(
    'every imported asset to be ready',
    async () => {
      const now = await assetStatusCounts(harness.api.db, tenant.tenantId);
      return now.ready === PHOTOS && now;
    },
    240_000,
    500,
  );
  expect(counts).toEqual({ ready: PHOTOS });
  return Date.now() - started;
}

describe('a bucket import of 1,000 photos', () => {
  it('copies each on the bucket’s side where the deployment’s key may read the source, once, and a second import makes nothing new', async () => {
    const tenant = await importingTenant('bucket-import-copy');
    await source.allowDeploymentReads(true);
    const calls = storageCalls();
    try {
      const { id, importMs } = await importWhole(tenant);
      // Every photo copied server-side, none streamed; the three files that are no media refused by their first bytes, never copied.
      expect(await calls.copies()).toEqual({ made: PHOTOS, refused: 0 });
      expect(calls.streams(tenant.tenantId)).toBe(0);
      const first = (await importItemRows(harness.api.db, id)).find((i) => i.source === photoSources()[0])!;
      const asset = await tenant.client.waitForAsset(first.asset_id!);
      expect(asset).toMatchObject({ status: 'ready', contentType: 'image/jpeg', filename: '00000.jpg' });
      expect(asset.metadata).toEqual({ import: { id, source: `${source.name}/${source.photoKeys[0]}` } });
      const processMs = await expectProcessed(tenant);
      console.info(`bucket import, copies: ${PHOTOS} photos imported in ${importMs} ms, all ready ${processMs} ms later`);

      const again = await startImport(tenant);
      const second = await waitForImport(tenant.client, again, undefined, 300_000);
      expect(second).toMatchObject({ status: 'done', counts: { found: PHOTOS + 3, imported: 0, skipped: PHOTOS, failed: 3 } });
      const skipped = (await importItemRows(harness.api.db, again)).filter((i) => i.status === 'skipped');
      expect(skipped).toHaveLength(PHOTOS);
      await expectEachImportedOnce(harness.api.db, { tenantId: tenant.tenantId, importIds: [id, again], sources: photoSources() });
      expect(await assetStatusCounts(harness.api.db, tenant.tenantId)).toEqual({ ready: PHOTOS });
      // Nothing was copied again: the three that failed are refused again by their first bytes.
      expect((await calls.copies()).made).toBe(PHOTOS);
    } finally {
      calls.restore();
    }
  }, 600_000);

  it('streams each through a multipart upload where the deployment’s key may not read the source, never copying', async () => {
    const tenant = await importingTenant('bucket-import-stream');
    await source.allowDeploymentReads(false);
    const calls = storageCalls();
    try {
      const { importMs } = await importWhole(tenant);
      const { made, refused } = await calls.copies();
      expect(made).toBe(0);
      // Asked once (up to the files in flight at that moment), then streamed without asking again.
      expect(refused).toBeGreaterThanOrEqual(1);
      expect(refused).toBeLessThanOrEqual(harness.workerDeps.config.imports.concurrency);
      // The photos streamed; the files that are no media refused by their first bytes before any upload began.
      expect(calls.streams(tenant.tenantId)).toBe(PHOTOS);
      const processMs = await expectProcessed(tenant);
      console.info(`bucket import, streamed: ${PHOTOS} photos imported in ${importMs} ms, all ready ${processMs} ms later`);
    } finally {
      calls.restore();
    }
  }, 600_000);

  it.each([
    ['keys the bucket refuses', { secretAccessKey: 'not-the-secret-0123456789' }, 'source_forbidden'],
    ['a bucket that does not exist', { bucket: `darkroom-source-missing-${randomUUID().slice(0, 8)}` }, 'source_not_found'],
  ])('fails at once on %s, with import.failed stored', async (_, overrides, code) => {
    const tenant = await importingTenant('bucket-import-refused');
    const started = Date.now();
    const id = await startImport(tenant, overrides);
    const failed = await waitForImport(tenant.client, id, undefined, 30_000);
    // At once: not after the retries an unreachable source gets (the first of them a second later).
    expect(Date.now() - started).toBeLessThan(5000);
    expect(failed).toMatchObject({ status: 'failed', counts: { found: 0, imported: 0, skipped: 0, failed: 0 }, error: { code } });
    expect(failed.finishedAt).not.toBeNull();
    const events = await tenant.client.events({ type: 'import.failed' });
    expect(events.map((e) => [e.type, (e.data as any).import.id, (e.data as any).import.error.code])).toEqual([['import.failed', id, code]]);
    expect(JSON.stringify(events)).not.toContain(source.credentials.secretAccessKey);
    expect(await assetStatusCounts(harness.api.db, tenant.tenantId)).toEqual({});
  });

  it('leaves the source bucket exactly as it was', async () => {
    expect(await source.snapshot()).toEqual(before);
  });
});
