/**
 * `npm run bench -- --only import`: imports (docs/api.md#imports-tenant-api-key) against the bare
 * S3 calls they stand beside, in the same run: a bucket import of small photos copied on the S3
 * server's side against bare CopyObject calls; a URL import of large files streamed into multipart
 * uploads against a bare streamed GET → multipart PUT loop, with the importing process's RSS; live
 * uploads while an import runs; and a one-file import behind four large ones of other tenants.
 * `BENCH_IMPORT=bucket`, `urls`, `live` or `fair` runs one of them.
 */
import type { SourceBucket } from '../scripts/source-bucket.js';
import { bucketImportRows } from './import-bucket.js';
import { fairImportRows } from './import-fair.js';
import { liveUploadRows } from './import-live.js';
import { readableSourceBucket } from './import-support.js';
import { urlImportRows } from './import-urls.js';
import { step } from './support.js';
import type { BenchRow } from './table.js';

/** The library: small photos in a bucket of another S3 user's. */
const PHOTOS = Number(process.env.BENCH_IMPORT_PHOTOS ?? 1000);
const only = process.env.BENCH_IMPORT;

export async function runImportBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const needsSource = !only || only === 'bucket' || only === 'live';
  const source: SourceBucket | null = needsSource
    ? await step(`a second S3 user's bucket of ${PHOTOS} small photos, readable by the deployment's user`, () => readableSourceBucket(PHOTOS))
    : null;
  try {
    if (source && (!only || only === 'bucket')) rows.push(...(await bucketImportRows(source)));
    if (!only || only === 'urls') rows.push(...(await urlImportRows()));
    if (source && (!only || only === 'live')) rows.push(...(await liveUploadRows(source)));
    if (!only || only === 'fair') rows.push(...(await fairImportRows()));
  } finally {
    await source?.remove();
  }
  return rows;
}
