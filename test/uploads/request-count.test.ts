import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { startS3Counter, type S3Counter } from '../support/s3-counter.js';
import { testEnv } from '../test-env.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

// The API and the worker talk to the S3 server through a counting proxy, so every request an upload
// costs (the client's PUT included: its presigned URL names the proxy) is seen where it is billed.
// Declared before the harness: it starts first and stops last.
let counter: S3Counter;
beforeAll(async () => {
  counter = await startS3Counter(process.env.S3_ENDPOINT ?? testEnv.S3_ENDPOINT!);
});
afterAll(() => counter?.close());
const harness = setupHarness(() => ({ env: { S3_ENDPOINT: counter.endpoint } }));
const tenant = setupTenant(harness, 'request-count');

/** Uploads a fixture, PUT to `ready`, and returns what the S3 server saw meanwhile. */
async function countUpload(name: string): Promise<string> {
  counter.requests.length = 0;
  const { asset } = await tenant.client.uploadFile(fixture(name), 'image/jpeg');
  expect((await tenant.client.waitForAsset(asset.id)).status).toBe('ready');
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
