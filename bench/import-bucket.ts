/**
 * A bucket import of small photos the deployment's key may read (each copied on the S3 server's
 * side), timed from its POST until every asset is `queued`, against a bare loop of CopyObject calls
 * over the same objects with the AWS SDK, both IMPORT_CONCURRENCY at a time; no worker runs.
 */
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { createS3Storage, parseStorageConfig } from '@darkroom/storage';
import { createS3Client } from '../packages/storage/src/s3-client.js';
import type { SourceBucket } from '../scripts/source-bucket.js';
import { TestApi } from '../test/support/client.js';
import { bucketImportBody, emptyQueues, IMPORT_CONCURRENCY, startImportRig, timeImport } from './import-support.js';
import { benchEnv, step } from './support.js';
import { type BenchRow, row } from './table.js';

/** Where the bare loop's copies go in the deployment's bucket, deleted after each pass. */
const COPIES_PREFIX = 'bench-import-copies/';

/** `work` on every item, `concurrency` at a time. */
export async function eachAtOnce<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/**
 * The bare loop: one CopyObject per photo into the deployment's bucket, with the storage package's
 * client (its checksum settings, B2's WHEN_REQUIRED), then the copies deleted; the copies' time in ms.
 */
async function bareCopies(source: SourceBucket): Promise<number> {
  const config = parseStorageConfig(benchEnv);
  const client = createS3Client(config);
  const storage = createS3Storage(config);
  try {
    const started = performance.now();
    await eachAtOnce(source.photoKeys, IMPORT_CONCURRENCY, async (key) => {
      await client.send(new CopyObjectCommand({ Bucket: config.bucket, Key: `${COPIES_PREFIX}${key}`, CopySource: `${source.name}/${key}` }));
    });
    const ms = performance.now() - started;
    await storage.deletePrefix({ bucket: config.bucket, prefix: COPIES_PREFIX });
    return ms;
  } finally {
    client.destroy();
  }
}

const filesPerSecond = (files: number, ms: number) => (files * 1000) / ms;

/**
 * The S3 requests a copied file costs: its first bytes read at the source (its type is taken from
 * them, as `complete` takes an upload's), then its copy (test/import/request-count.test.ts); the bare
 * loop's, one copy.
 */
const IMPORT_REQUESTS_PER_FILE = 2;

/**
 * Bare, import, import, bare (the machine's speed drifts over minutes): each import by a tenant of
 * its own, since a second import of the same objects by one tenant would skip them all.
 */
export async function bucketImportRows(source: SourceBucket): Promise<BenchRow[]> {
  const files = source.photoKeys.length;
  const rig = await startImportRig(0);
  try {
    const second = await rig.admin.createTenant('bench-import-second');
    const tenants = [
      { api: rig.tenant, tenantId: rig.tenantId },
      { api: new TestApi(rig.tenant.baseUrl, second.apiKey), tenantId: second.tenantId },
    ];
    const bare = [await step(`bare CopyObject × ${files}`, () => bareCopies(source))];
    const imported: number[] = [];
    for (const [n, tenant] of tenants.entries()) {
      const body = bucketImportBody(source);
      imported.push(
        await step(`bucket import ${n + 1} of ${files}, to every asset queued`, () => timeImport(rig, tenant.api, tenant.tenantId, body, files)),
      );
    }
    bare.push(await step(`bare CopyObject × ${files}`, () => bareCopies(source)));
    const sum = (ms: number[]) => ms.reduce((a, b) => a + b, 0);
    const ours = filesPerSecond(files * imported.length, sum(imported));
    const baseline = filesPerSecond(files * bare.length, sum(bare));
    console.log(
      `  import: ${imported.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}; bare: ${bare.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`,
    );
    return [
      row(
        `bucket import, ${files} small photos copied, POST → all queued, vs bare CopyObject (${IMPORT_CONCURRENCY} at a time)`,
        `${ours.toFixed(0)} files/s`,
        `${baseline.toFixed(0)} files/s`,
        ours / baseline,
        '≥ 0.50×',
        ours >= baseline * 0.5,
      ),
      row(
        `bucket import: S3 requests a second (${IMPORT_REQUESTS_PER_FILE} a file) vs the bare loop's (1 a file)`,
        `${(ours * IMPORT_REQUESTS_PER_FILE).toFixed(0)} req/s`,
        `${baseline.toFixed(0)} req/s`,
        (ours * IMPORT_REQUESTS_PER_FILE) / baseline,
        '—',
        null,
      ),
    ];
  } finally {
    await rig.close();
    await emptyQueues();
  }
}
