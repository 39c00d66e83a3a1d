import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { fixture } from '../support/images.js';
import { startS3Counter, type S3Counter } from '../support/s3-counter.js';
import { createSourceBucket, type SourceBucket } from '../support/source-bucket.js';
import { testEnv } from '../test-env.js';
import { setupHarness } from '../support/setup-harness.js';
import { MiB } from '@darkroom/core/limits';

// The API talks to the S3 server through a counting proxy, the source bucket included (it is on the
// deployment's endpoint), so every request an imported file costs is seen: docs/integration.md's
// table of requests per file. No worker: processing costs what an upload's does.
// Declared before the harness: it starts first and stops last.
let counter: S3Counter;
beforeAll(async () => {
  counter = await startS3Counter(process.env.S3_ENDPOINT ?? testEnv.S3_ENDPOINT!);
});
afterAll(() => counter?.close());
// One file at a time: a source the deployment's key may not read is refused one copy, not one per file in flight.
const harness = setupHarness(() => ({
  withWorker: false,
  env: { S3_ENDPOINT: counter.endpoint, IMPORT_ALLOW_PRIVATE: 'true', IMPORT_CONCURRENCY: '1' },
}));
let client: TestApi;
let server: Server;
let base: string;
const buckets: SourceBucket[] = [];
const PHOTOS = 5;

beforeAll(async () => {
  const tenant = await harness.admin.createTenant('import-request-count');
  client = harness.admin.withToken(tenant.apiKey);
  harness.runImportsOf(tenant.tenantId);
  const photo = await readFile(fixture('320x240.jpg'));
  // A JPEG's first bytes, then 20 MiB more: three parts of 8 MiB.
  const large = Buffer.concat([photo, Buffer.alloc(20 * MiB)]);
  server = createServer((req, res) => {
    const body = req.url === '/large.jpg' ? large : photo;
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  for (const bucket of buckets) await bucket.remove();
});

/** Runs an import to its end and returns the requests it made, by where they went (the source or the deployment) and operation. */
async function countImport(source: object): Promise<Record<string, number>> {
  counter.requests.length = 0;
  const started = await client.request('POST', '/v1/imports', { source } as never);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  for (;;) {
    const { body } = await client.request('GET', `/v1/imports/${started.body.import.id}`);
    if (body.import.status !== 'running' && body.import.status !== 'planning') {
      expect(body.import).toMatchObject({ status: 'done', counts: { failed: 0 } });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seen: Record<string, number> = {};
  for (const { path, operation } of counter.requests) {
    const where = path.split('/')[1]!.startsWith('darkroom-source-') ? 'source' : 'deployment';
    const key = `${where} ${operation.replace('(versionId)', '')}`;
    seen[key] = (seen[key] ?? 0) + 1;
  }
  return seen;
}

async function bucketSource(allowDeploymentReads: boolean) {
  const bucket = await createSourceBucket({ photos: PHOTOS, prefix: 'count/' });
  buckets.push(bucket);
  await bucket.allowDeploymentReads(allowDeploymentReads);
  const { accessKeyId, secretAccessKey } = bucket.credentials;
  return { type: 'bucket', region: 'us-east-1', bucket: bucket.name, prefix: 'count/photos/', accessKeyId, secretAccessKey };
}

describe('bucket requests per imported file', () => {
  it("copied: a listing per 1,000, then the object's first bytes at the source and one copy straight to its original", async () => {
    expect(await countImport(await bucketSource(true))).toEqual({
      'source ListObjects': 1,
      'source GetObject(range)': PHOTOS,
      'deployment CopyObject': PHOTOS,
    });
  });

  it('streamed from a bucket: the GET at the source and a PUT of its original; the first file read once ahead of the one copy refused', async () => {
    expect(await countImport(await bucketSource(false))).toEqual({
      'source ListObjects': 1,
      'source GetObject(range)': 1,
      'deployment CopyObject': 1,
      'source GetObject': PHOTOS,
      'deployment PutObject': PHOTOS,
    });
  });

  it('from URLs: a PUT of its original, or a multipart upload of 8 MiB parts', async () => {
    expect(await countImport({ type: 'urls', items: [{ url: `${base}/photo.jpg` }] })).toEqual({
      'deployment PutObject': 1,
    });
    expect(await countImport({ type: 'urls', items: [{ url: `${base}/large.jpg` }] })).toEqual({
      'deployment CreateMultipartUpload': 1,
      'deployment UploadPart': 3,
      'deployment CompleteMultipartUpload': 1,
    });
  });
});
