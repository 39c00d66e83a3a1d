import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { fixture } from '../support/images.js';
import { startS3Counter, type S3Counter } from '../support/s3-counter.js';
import { testEnv } from '../test-env.js';

// The API and the worker talk to the S3 server through a counting proxy, so every request an upload
// costs (the client's PUT included: its presigned URL names the proxy) is seen where it is billed.
let counter: S3Counter;
let harness: Harness;
let client: TestApi;

beforeAll(async () => {
  counter = await startS3Counter(process.env.S3_ENDPOINT ?? testEnv.S3_ENDPOINT!);
  harness = await startHarness({ env: { S3_ENDPOINT: counter.endpoint } });
  const admin = new TestApi(harness.baseUrl, harness.adminToken);
  client = admin.withToken((await admin.createTenant('request-count')).apiKey);
});
afterAll(async () => {
  await harness?.close();
  await counter?.close();
});

/** Uploads a fixture, PUT to `ready`, and returns what the S3 server saw meanwhile. */
async function countUpload(name: string): Promise<string> {
  counter.requests.length = 0;
  const { asset } = await client.uploadFile(fixture(name), 'image/jpeg');
  expect((await client.waitForAsset(asset.id)).status).toBe('ready');
  const seen = `the S3 server saw for ${name}:\n${counter.describe()}`;
  expect(
    counter.requests.filter((r) => r.operation.startsWith('List')),
    seen,
  ).toEqual([]);
  expect(
    counter.requests.filter((r) => r.operation === 'HeadObject'),
    seen,
  ).toEqual([]);
  return seen;
}

describe('bucket requests per upload', () => {
  it('a 640×480 photo (two distinct variants), PUT to ready, takes at most 8 requests, no listing and no HEAD', async () => {
    const seen = await countUpload('DSCN0010.jpg');
    expect(counter.requests.length, seen).toBeLessThanOrEqual(8);
  });

  it('a photo larger than every box (four distinct variants) takes at most 9', async () => {
    const seen = await countUpload('jolla.jpg');
    expect(counter.requests.length, seen).toBeLessThanOrEqual(9);
  });
});
