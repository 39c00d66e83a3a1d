import { originalKey, stagingKey } from '@darkroom/core/keys';
import { MiB } from '@darkroom/core/limits';
import { assets } from '@darkroom/db/schema';
import { getAsset } from '@darkroom/db/queries/assets';
import { newId } from '@darkroom/db/ids';
import { eq } from 'drizzle-orm';
import { UploadNotFoundError } from '@darkroom/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgePending } from '../../apps/worker/src/sweeps/purge-sweep.js';
import { expireAbandonedUploads } from '../../apps/worker/src/sweeps/reconciler.js';
import { noisePng } from '../support/fixtures.js';
import { objectState as stateOf } from '../support/objects.js';
import { fixture } from '../support/images.js';
import { startServices, stopS3Gateway, waitFor } from '../support/services.js';
import { asMultipart } from '../support/client.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Delete, abort and expiry never orphan a bucket object, whatever fails: each is tried with the S3
 * gateway stopped at the worst moment (after the row changed, before the objects went), and the
 * bucket is checked once the purge sweep has run with the gateway back.
 */
const harness = setupHarness({ env: { MULTIPART_THRESHOLD_BYTES: String(9 * MiB), MULTIPART_PART_SIZE: String(8 * MiB) } });
const t = setupTenant(harness, 'purge');
let bucket: string;

beforeAll(async () => {
  bucket = harness.api.config.storage.bucket;
});
afterAll(() => startServices());

const row = (id: string) => getAsset(harness.api.db, { id });
const objectState = (key: string) => stateOf(harness.api.storage, { bucket, key });

/** Runs with the gateway stopped, and starts it again whatever happens. */
async function withS3Down<T>(work: () => Promise<T>): Promise<T> {
  await stopS3Gateway();
  try {
    return await work();
  } finally {
    await startServices();
  }
}

/** Sweeps until it has nothing left for this test (the gateway may take a moment to answer again). */
const sweep = () =>
  waitFor(
    'the purge sweep to succeed',
    () =>
      purgePending(harness.workerDeps, { graceMs: 0, tenantId: t.tenantId }).then(
        () => true,
        () => false,
      ),
    60_000,
    500,
  );

async function startMultipartWithOnePart() {
  const start = await t.client.request('POST', '/v1/uploads', { filename: 'half.png', contentType: 'image/png', size: 10 * MiB });
  const upload = asMultipart(start.body.upload);
  const put = await fetch(upload.parts[0]!.url, { method: 'PUT', body: new Uint8Array(upload.partSize) });
  expect(put.status).toBe(200);
  const asset = (await row(start.body.asset.id))!;
  return { asset, part: { partNumber: 1, etag: put.headers.get('etag')! } };
}

async function expectUploadGone(
  asset: { id: string; tenantId: string; originalKey: string },
  uploadId: string,
  part: { partNumber: number; etag: string },
) {
  const staging = stagingKey(asset.tenantId, asset.id);
  await expect(harness.api.storage.completeMultipartUpload({ bucket, key: staging, uploadId, parts: [part] })).rejects.toBeInstanceOf(
    UploadNotFoundError,
  );
  expect(await objectState(staging)).toBe('absent');
  expect(await objectState(asset.originalKey)).toBe('absent');
}

describe('nothing orphaned, whatever fails', () => {
  it('a DELETE with the S3 gateway down answers 204; the sweep removes every object once it is back', async () => {
    const { asset } = await t.client.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    expect((await t.client.waitForAsset(asset.id)).status).toBe('ready');
    const { originalKey: key } = (await row(asset.id))!;
    expect(await harness.countVariantObjects(t.tenantId, asset.id)).toBeGreaterThan(0);

    await withS3Down(async () => {
      expect((await t.client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
      expect((await t.client.request('GET', `/v1/assets/${asset.id}`)).status).toBe(404);
      expect((await row(asset.id))?.status).toBe('deleting');
    });
    await sweep();
    expect(await row(asset.id)).toBeUndefined();
    expect(await objectState(key)).toBe('absent');
    expect(await harness.countVariantObjects(t.tenantId, asset.id)).toBe(0);
  });

  it('an abort with the gateway down cancels at once; the parts are freed once it is back', async () => {
    const { asset, part } = await startMultipartWithOnePart();
    await withS3Down(async () => {
      const aborted = await t.client.request('POST', `/v1/uploads/${asset.id}/abort`);
      expect(aborted.status).toBe(200);
      expect(aborted.body.status).toBe('canceled');
    });
    expect((await row(asset.id))!.purgedAt).toBeNull(); // still owed
    await sweep();
    expect((await row(asset.id))!.purgedAt).not.toBeNull();
    await expectUploadGone(asset, asset.uploadId!, part);
  });

  it('an expiry with the gateway down expires at once; the parts are freed once it is back', async () => {
    const { asset, part } = await startMultipartWithOnePart();
    await harness.api.db
      .update(assets)
      .set({ uploadExpiresAt: new Date(Date.now() - 60_000) })
      .where(eq(assets.id, asset.id));
    await withS3Down(async () => {
      await expireAbandonedUploads(harness.workerDeps);
      expect((await row(asset.id))!.status).toBe('expired');
    });
    expect((await row(asset.id))!.purgedAt).toBeNull();
    await sweep();
    expect((await row(asset.id))!.purgedAt).not.toBeNull();
    await expectUploadGone(asset, asset.uploadId!, part);
  });

  it('a multipart upload that no asset recorded is aborted once it is old enough, under staging/ and originals/', async () => {
    // A client's upload whose start died before recording it, and a copy in parts a crash interrupted.
    const keys = [stagingKey(t.tenantId, newId()), originalKey(t.tenantId, newId())];
    const uploadIds = [];
    for (const key of keys) uploadIds.push((await harness.api.storage.createMultipartUpload({ bucket, key, contentType: 'image/png' })).uploadId);
    const openUploads = async () => {
      const ids: string[] = [];
      for (const key of keys) for await (const upload of harness.api.storage.listMultipartUploads({ bucket, prefix: key })) ids.push(upload.uploadId);
      return ids;
    };
    expect(await openUploads()).toEqual(uploadIds);
    // Younger than UPLOAD_TTL: left alone.
    await purgePending(harness.workerDeps, { graceMs: 0, tenantId: t.tenantId });
    expect(await openUploads()).toEqual(uploadIds);
    // As if it were older: every upload begun before "a second from now" counts.
    await purgePending(harness.workerDeps, { graceMs: 0, tenantId: t.tenantId, multipartAgeMs: -1000 });
    expect(await openUploads()).toEqual([]);
  });

  it('a DELETE while the asset renders leaves it deleting; the worker then removes what it rendered', async () => {
    const { asset, job } = await t.client.uploadAndComplete(new Uint8Array(await noisePng(2500)), {
      filename: 'noise.png',
      contentType: 'image/png',
    });
    await waitFor(
      'the job to start',
      async () => (await harness.api.db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.id, job.id) }))?.state === 'active',
      30_000,
      10,
    );
    const { originalKey: key } = (await row(asset.id))!;
    expect((await t.client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
    // The worker has the job in hand: the row waits for it rather than vanish under it.
    expect((await row(asset.id))?.status).toBe('deleting');
    await waitFor('the worker to finish the deletion', async () => (await row(asset.id)) === undefined, 60_000, 100);
    expect(await harness.countVariantObjects(t.tenantId, asset.id)).toBe(0);
    expect(await objectState(key)).toBe('absent');
  });
});
