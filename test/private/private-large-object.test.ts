import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { variantPrefix } from '@darkroom/core/keys';
import { MiB } from '@darkroom/core/limits';
import { assetObjectLocation, type ObjectLocation } from '@darkroom/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupHarnessWithDelivery } from '../support/delivery.js';
import { createTestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { patternedBody, readStreamed, type StreamedRead } from '../support/large-object.js';
import { readingsAround, sampleResident, settledResident } from '../support/process-memory.js';
import { PRIVATE_CACHE_CONTROL } from '../support/private-urls.js';

/**
 * A 500 MB object of a private asset through `/p/` on a delivery process of its own: streamed from
 * the bucket, never held (docs/delivery.md#private-media). The process's resident memory is read
 * from /proc while a fast reader takes the whole object, and while a slow one stops midway: a server
 * that buffered the object, or read on from the bucket while its client did not, would grow by
 * hundreds of MB.
 *
 * Node reads each socket into a new buffer, which V8 would free only once they added up past its own
 * trigger for memory outside its heap; the server collects them every megabyte it streams
 * (docs/design/delivery.md#a-large-object-streamed), so after a warm-up of a few MB (the process's first
 * stream, which sets up what every stream uses) even the first whole read must leave it flat, and
 * while a reader stalls its memory must not move.
 */
const SIZE = 500 * MiB;
/** How far memory may rise past what it was (at rest after the warm-up, a stall's start): stream buffers, not the object. */
const GROWTH_LIMIT = 16 * MiB;
/** The warm-up's range: the first stream the process sends, a few MB. */
const WARM_UP = 4 * MiB;
const SAMPLE_EVERY_MS = 10;
const STALL_MS = 2_000;
/** Long enough for the sockets between the bucket, the server and the reader to fill once the reader stops. */
const SETTLE_MS = 500;
const mb = (bytes: number) => (bytes / MiB).toFixed(1);

const { harness, delivery } = setupHarnessWithDelivery();
let location: ObjectLocation | undefined;
let written: string;
let url: string;

beforeAll(async () => {
  const tenant = await createTestTenant(harness, 'private-large-object');
  const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  const { asset: started } = await tenant.client.uploadAndComplete(jpeg, { filename: 'l.jpg', contentType: 'image/jpeg', visibility: 'private' });
  const asset: Asset = await tenant.client.waitForAsset(started.id);
  expect(asset).toMatchObject({ status: 'ready', visibility: 'private' });
  // Any key under the asset's variant prefix is one a private link's rest names (a lecture's recording, say).
  const rest = 'large/lecture.bin';
  location = assetObjectLocation(harness.api.config.storage, 'private', `${variantPrefix(tenant.tenantId, asset.id)}${rest}`);
  const body = patternedBody(SIZE);
  await harness.api.storage.putObject({ ...location, body: body.body, contentType: 'application/octet-stream' });
  written = body.sha256();
  const variantUrl = asset.variants[0]!.url;
  url = `${variantUrl.slice(0, variantUrl.indexOf(`/${asset.id}/`))}/${asset.id}/${rest}`;
  expect(url.startsWith(`${delivery.baseUrl}/p/`)).toBe(true);
}, 300_000);
afterAll(async () => {
  // The tests' S3 store is in memory, shared by every test file (scripts/s3-server.sh frees it soon after).
  if (location) await harness.api.storage.deleteObject(location);
});

/** The process's memory while a read runs: the read, and the highest reading. */
async function sampledRead(headers: Record<string, string> = {}, stall?: { atByte: number; forMs: number }) {
  const { result: read, samples } = await sampleResident(delivery.process.pid!, SAMPLE_EVERY_MS, () => readStreamed(url, headers, stall));
  return { read, samples, highest: samples.highest };
}

function expectWholeObject(read: StreamedRead) {
  expect(read.status).toBe(200);
  expect(read.headers['content-length']).toBe(String(SIZE));
  expect(read.headers['cache-control']).toMatch(PRIVATE_CACHE_CONTROL);
  expect(read.length).toBe(SIZE);
  expect(read.sha256).toBe(written);
}

describe('a 500 MB object through a private link', () => {
  let resting: number;
  beforeAll(async () => {
    const warm = await readStreamed(url, { range: `bytes=0-${WARM_UP - 1}` });
    expect([warm.status, warm.length]).toEqual([206, WARM_UP]);
    resting = await settledResident(delivery.process.pid!);
  }, 120_000);

  it('reaches a reader that reads as fast as it can, whole, the process’s memory flat from the first read on', async () => {
    const sampled = await sampledRead();
    expectWholeObject(sampled.read);
    const growth = sampled.highest - resting;
    console.info(`private large object, first read: ${mb(growth)} MB over rest`);
    expect(growth, `grew ${mb(growth)} MB`).toBeLessThan(GROWTH_LIMIT);
  }, 180_000);

  it('waits for a reader that stops midway, reading no further from the bucket than the reader takes', async () => {
    const sampled = await sampledRead({}, { atByte: SIZE / 2, forMs: STALL_MS });
    expectWholeObject(sampled.read);
    console.info(`private large object, stalled reader: ${mb(sampled.highest - resting)} MB over rest`);
    expect(sampled.highest - resting, `grew ${mb(sampled.highest - resting)} MB`).toBeLessThan(GROWTH_LIMIT);
    // Once what the sockets hold has gone, nothing moves while the reader reads nothing; a server that
    // read on from the bucket would fill up all through the stall.
    const { from, to } = sampled.read.stalled!;
    const stall = readingsAround(sampled.samples, from + SETTLE_MS, to);
    console.info(`private large object, stalled reader: ${mb(stall.highest - stall.before)} MB over the stall's first moments`);
    expect(stall.highest - stall.before, `grew ${mb(stall.highest - stall.before)} MB while stalled`).toBeLessThan(GROWTH_LIMIT);
  }, 180_000);
});
