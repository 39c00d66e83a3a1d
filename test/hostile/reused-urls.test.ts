import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { stagingKey } from '@darkroom/core/keys';
import { MiB } from '@darkroom/core/limits';
import { getAsset } from '@darkroom/db/queries/assets';
import { jobs } from '@darkroom/db/schema';
import type { ObjectStorage } from '@darkroom/storage';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { sweepStaging } from '../../apps/worker/src/sweeps/staging-sweep.js';
import { noisePng } from '../support/fixtures.js';
import { expectRefusal } from '../support/hostile.js';
import { fetchVariant, fixture } from '../support/images.js';
import { objectSha256, objectState, sha256 } from '../support/objects.js';
import { waitFor } from '../support/services.js';
import type { UploadInstructions } from '@darkroom/client';
import { asSinglePut } from '../support/client.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Reused URLs and swapped bytes after complete (issue 7). The verified original is immutable:
 * upload URLs write a staging key, `complete` copies it to the original key and checks the copy,
 * and nothing a client does with an old URL changes what the worker, reprocess, backfill or the
 * admin preview read.
 */
const harness = setupHarness({
  withWorker: false,
  env: {
    MULTIPART_THRESHOLD_BYTES: String(9 * MiB),
    MULTIPART_PART_SIZE: String(8 * MiB),
    // Small enough that a 10 MiB upload takes the UploadPartCopy path in 5 MiB parts.
    COPY_MULTIPART_THRESHOLD_BYTES: String(6 * MiB),
    COPY_PART_SIZE: String(5 * MiB),
  },
});
const t = setupTenant(harness, 'immutable-original');
let bucket: string;
let photo: Uint8Array;

beforeAll(async () => {
  bucket = harness.api.config.storage.bucket;
  photo = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

const storage = (): ObjectStorage => harness.api.storage;
const row = async (id: string) => (await getAsset(harness.api.db, { id }))!;
const stagingOf = (assetId: string) => ({ bucket, key: stagingKey(t.tenantId, assetId) });
const originalOf = async (assetId: string) => ({ bucket, key: (await row(assetId)).originalKey });
const complete = (assetId: string, body: object = {}) => t.client.request('POST', `/v1/uploads/${assetId}/complete`, body);

/** Other bytes of exactly the same length: a red JPEG padded with zeros (decoders stop at its end marker). */
async function sameLengthJpeg(length: number): Promise<Uint8Array> {
  const red = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#c02020' } })
    .jpeg()
    .toBuffer();
  const bytes = new Uint8Array(length);
  bytes.set(red);
  return bytes;
}

/** An SVG padded to the length, as the attacker sent (it sniffs as no accepted image). */
function sameLengthSvg(length: number): Uint8Array {
  return new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'.padEnd(length, ' '));
}

/** A PUT through the URL `POST /v1/uploads` gave, with the same headers, as a client holding it can do at any time. */
async function putAgain(upload: UploadInstructions, body: Uint8Array): Promise<number> {
  const { url, headers } = asSinglePut(upload);
  const res = await fetch(url, { method: 'PUT', headers, body: body as Uint8Array<ArrayBuffer> });
  await res.arrayBuffer();
  return res.status;
}

async function variantHashes(assetId: string): Promise<Record<string, string>> {
  const asset = (await t.client.request('GET', `/v1/assets/${assetId}`)).body;
  const hashes: Record<string, string> = {};
  for (const v of asset.variants) hashes[v.name] = sha256((await fetchVariant(v.url)).data);
  return hashes;
}

async function previewHash(assetId: string): Promise<string> {
  const res = await fetch(`${harness.baseUrl}/admin/assets/${assetId}/original-preview`, {
    headers: { authorization: `Bearer ${harness.adminToken}` },
  });
  expect(res.status).toBe(200);
  return sha256(new Uint8Array(await res.arrayBuffer()));
}

async function reprocess(assetId: string): Promise<void> {
  const res = await t.admin.request('POST', `/v1/admin/assets/${assetId}/reprocess`);
  expect(res.status).toBe(202);
  const done = await waitFor(
    'the reprocess job',
    async () => {
      const job = (await t.client.request('GET', `/v1/jobs/${res.body.job.id}`)).body;
      return job.state === 'completed' || job.state === 'failed' ? job : null;
    },
    60_000,
    100,
  );
  expect(done.state).toBe('completed');
}

describe('a PUT through an old upload URL changes nothing that is read', () => {
  it('after complete and after ready: the original, the preview and reprocessed variants stay as checked', async () => {
    const { asset, upload } = await t.client.upload(photo, { filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect((await complete(asset.id)).status).toBe(202);
    const original = await originalOf(asset.id);
    expect(await objectSha256(storage(), original)).toBe(sha256(photo));
    expect(await objectState(storage(), stagingOf(asset.id))).toBe('absent'); // complete removed it

    const swapped = await sameLengthJpeg(photo.length);
    // Before the worker ran: the URL still answers 200, but it only wrote staging.
    expect(await putAgain(upload, swapped)).toBe(200);
    expect(await objectSha256(storage(), original)).toBe(sha256(photo));

    harness.startWorker();
    expect((await t.client.waitForAsset(asset.id)).status).toBe('ready');
    const variants = await variantHashes(asset.id);
    const preview = await previewHash(asset.id);

    // After ready: again through the same URL, same headers.
    expect(await putAgain(upload, swapped)).toBe(200);
    expect(await objectSha256(storage(), original)).toBe(sha256(photo));
    expect(await previewHash(asset.id)).toBe(preview);
    await reprocess(asset.id);
    expect(await variantHashes(asset.id)).toEqual(variants);

    // What the re-PUT wrote is swept: its asset no longer awaits an upload.
    expect(await objectState(storage(), stagingOf(asset.id))).toBe('present');
    expect(await sweepStaging(harness.workerDeps, { tenantId: t.tenantId })).toBeGreaterThanOrEqual(1);
    expect(await objectState(storage(), stagingOf(asset.id))).toBe('absent');
    expect(await objectSha256(storage(), original)).toBe(sha256(photo));
  });

  it('after abort and after DELETE: what the PUT wrote is swept, and no original appears', async () => {
    const aborted = await t.client.upload(photo, { filename: 'aborted.jpg', contentType: 'image/jpeg' });
    expect((await t.client.request('POST', `/v1/uploads/${aborted.asset.id}/abort`)).status).toBe(200);
    const deleted = await t.client.upload(photo, { filename: 'deleted.jpg', contentType: 'image/jpeg' });
    expect((await complete(deleted.asset.id)).status).toBe(202);
    expect((await t.client.waitForAsset(deleted.asset.id)).status).toBe('ready');
    expect((await t.client.request('DELETE', `/v1/assets/${deleted.asset.id}`)).status).toBe(204);
    expect(await getAsset(harness.api.db, { id: deleted.asset.id })).toBeUndefined();

    const places = [];
    for (const { asset, upload } of [aborted, deleted]) {
      expect(await putAgain(upload, photo)).toBe(200);
      places.push(stagingOf(asset.id), { bucket, key: `originals/${t.tenantId}/${asset.id}` });
    }
    await sweepStaging(harness.workerDeps, { tenantId: t.tenantId });
    for (const place of places) expect(await objectState(storage(), place), place.key).toBe('absent');
  });
});

describe('the staging sweep', () => {
  it("leaves another deployment's staging objects (a tenant this database does not know) until they are old", async () => {
    const stranger = { bucket, key: stagingKey(randomUUID(), randomUUID()) };
    await storage().putObject({ ...stranger, body: Buffer.from(photo), contentType: 'image/jpeg' });
    const strangerTenant = stranger.key.split('/')[1]!;
    await sweepStaging(harness.workerDeps, { tenantId: strangerTenant });
    expect(await objectState(storage(), stranger)).toBe('present');
    await sweepStaging(harness.workerDeps, { tenantId: strangerTenant, maxAgeMs: -1000 });
    expect(await objectState(storage(), stranger)).toBe('absent');
  });
});

describe('complete copies what the client uploaded to the original key', () => {
  it('copies a multipart upload in parts (UploadPartCopy) above COPY_MULTIPART_THRESHOLD_BYTES', async () => {
    harness.startWorker();
    const png = await noisePng(1900);
    expect(png.length).toBeGreaterThan(10 * MiB);
    const { asset, upload, parts } = await t.client.upload(png, { filename: 'noise.png', contentType: 'image/png' });
    expect(upload.method).toBe('MULTIPART');
    expect((await complete(asset.id, { parts })).status).toBe(202);

    const original = await originalOf(asset.id);
    expect(await objectSha256(storage(), original)).toBe(sha256(png));
    const head = await storage().headObject(original);
    // Copied in 5 MiB parts (the client sent 8 MiB ones): 5 + 5 + the rest.
    expect(head.etag).toMatch(/-3"?$/);
    expect(head.contentType).toBe('image/png');
    expect(await objectState(storage(), stagingOf(asset.id))).toBe('absent');
    expect(await t.client.waitForAsset(asset.id, 120_000)).toMatchObject({ status: 'ready', width: 1900, height: 1900 });
  });

  it('checks the copy itself: bytes swapped into staging while complete runs are refused', async () => {
    const { asset, upload } = await t.client.upload(photo, { filename: 'raced.jpg', contentType: 'image/jpeg' });
    const realCopy = storage().copyObject;
    storage().copyObject = async (options) => {
      storage().copyObject = realCopy;
      // The client rewrites staging after complete's first look at it, just before the copy.
      expect(await putAgain(upload, sameLengthSvg(photo.length))).toBe(200);
      return realCopy(options);
    };
    expectRefusal(harness, await complete(asset.id), 415, 'content_mismatch');
    expect(await objectState(storage(), await originalOf(asset.id))).toBe('absent');
    expect((await row(asset.id)).status).toBe('awaiting_upload');
  });

  it('answers concurrent completes with one job', async () => {
    const { asset } = await t.client.upload(photo, { filename: 'twice.jpg', contentType: 'image/jpeg' });
    const answers = await Promise.all([complete(asset.id), complete(asset.id), complete(asset.id)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.job.id)).size).toBe(1);
    expect(await harness.api.db.select().from(jobs).where(eq(jobs.assetId, asset.id))).toHaveLength(1);
  });
});

describe('complete after a crash', () => {
  it('between the copy and the database update: a retry copies, checks and queues', async () => {
    const { asset } = await t.client.upload(photo, { filename: 'crash.jpg', contentType: 'image/jpeg' });
    const realCopy = storage().copyObject;
    storage().copyObject = async (options) => {
      storage().copyObject = realCopy;
      await realCopy(options);
      throw new Error('simulated crash after the copy');
    };
    expectRefusal(harness, await complete(asset.id), 500, 'internal_error');
    // The state a crash leaves: the copy made, the staging object kept, the row still waiting.
    expect((await row(asset.id)).status).toBe('awaiting_upload');
    expect(await objectState(storage(), stagingOf(asset.id))).toBe('present');
    expect(await objectState(storage(), await originalOf(asset.id))).toBe('present');

    const retried = await complete(asset.id);
    expect(retried.status).toBe(202);
    expect(await objectSha256(storage(), await originalOf(asset.id))).toBe(sha256(photo));
    expect(await objectState(storage(), stagingOf(asset.id))).toBe('absent');
    expect((await t.client.waitForAsset(asset.id)).status).toBe('ready');
  });

  it('after the database update, before staging was deleted: a retry returns the job, the sweep the object', async () => {
    const { asset } = await t.client.upload(photo, { filename: 'late-crash.jpg', contentType: 'image/jpeg' });
    const realDelete = storage().deleteObjectVersion;
    storage().deleteObjectVersion = async () => {
      storage().deleteObjectVersion = realDelete;
      throw new Error('simulated crash before the staging object was deleted');
    };
    const first = await complete(asset.id);
    expect(first.status).toBe(202);
    expect(await objectState(storage(), stagingOf(asset.id))).toBe('present');
    const again = await complete(asset.id);
    expect(again.status).toBe(202);
    expect(again.body.job.id).toBe(first.body.job.id);
    await sweepStaging(harness.workerDeps, { tenantId: t.tenantId });
    expect(await objectState(storage(), stagingOf(asset.id))).toBe('absent');
    expect(await objectSha256(storage(), await originalOf(asset.id))).toBe(sha256(photo));
  });
});
