import { readFile } from 'node:fs/promises';
import { stagingKey } from '@darkroom/core/keys';
import { MiB } from '@darkroom/core/limits';
import { assets, uploadTokens } from '@darkroom/db/schema';
import { hashApiKey } from '@darkroom/db/queries/api-keys';
import { UploadNotFoundError } from '@darkroom/storage';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, asMultipart, asSinglePut } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { objectState } from '../support/objects.js';
import { waitFor } from '../support/services.js';
import { expireAbandonedUploads } from '../../apps/worker/src/sweeps/reconciler.js';
import { setupHarness } from '../support/setup-harness.js';

const harness = setupHarness({
  env: { UPLOAD_TTL: '2s', RECONCILE_INTERVAL: '300ms', MULTIPART_THRESHOLD_BYTES: String(9 * MiB), MULTIPART_PART_SIZE: String(8 * MiB) },
});
let tenant: TestApi;
let tenantId: string;

beforeAll(async () => {
  ({ client: tenant, tenantId } = await createTestTenant(harness, 'expiry'));
});

/** An expired upload wrote exactly one event, asset.expired, with the asset as GET shows it. */
async function expectOneExpiredEvent(assetId: string) {
  const events = await waitFor('the asset.expired event', async () => {
    const mine = await tenant.feed({ assetId });
    return mine.some((e) => e.type === 'asset.expired') && mine;
  });
  expect(events.map((e) => e.type)).toEqual(['asset.expired']);
  expect(events[0]?.data.asset).toEqual((await tenant.request('GET', `/v1/assets/${assetId}`)).body);
  expect(events[0]?.data.asset.status).toBe('expired');
}

describe('abandoned uploads expire after UPLOAD_TTL', () => {
  it('an uploaded but never confirmed object is deleted and the asset expired', async () => {
    const bytes = new Uint8Array(await readFile(fixture('320x240.jpg')));
    const { asset, upload } = await tenant.upload(bytes, { filename: 'left.jpg', contentType: 'image/jpeg' });
    const bucket = process.env.S3_BUCKET!;
    const staging = { bucket, key: stagingKey(tenantId, asset.id) };
    const original = { bucket, key: (await harness.api.db.query.assets.findFirst({ where: (a, { eq }) => eq(a.id, asset.id) }))!.originalKey };
    const state = (location: typeof staging) => objectState(harness.api.storage, location);
    expect((await harness.api.storage.headObject(staging)).size).toBe(bytes.length);

    expect((await tenant.waitForStatus(asset.id, 'expired', 15_000)).status).toBe('expired');
    // The row turns expired first (so a late complete can't race it), then the bytes go.
    await expect.poll(() => state(staging), { timeout: 5000 }).toBe('absent');
    const late = await tenant.request('POST', `/v1/uploads/${asset.id}/complete`, {});
    expect(late.status).toBe(409);
    expect(late.body.error?.code).toBe('invalid_state');

    // The URL itself is still valid: a PUT through it lands in staging, which the reconciler's sweep removes.
    const { url, headers } = asSinglePut(upload);
    const again = await fetch(url, { method: 'PUT', headers, body: bytes });
    expect(again.status).toBe(200);
    await expect.poll(() => state(staging), { timeout: 10_000 }).toBe('absent');
    expect(await state(original)).toBe('absent');
    // Many reconciler passes later, still the one event.
    await expectOneExpiredEvent(asset.id);
  });

  it('a half-done multipart upload is aborted in the bucket', async () => {
    const size = 10 * MiB;
    const start = await tenant.request('POST', '/v1/uploads', { filename: 'half.png', contentType: 'image/png', size });
    const upload = asMultipart(start.body.upload);
    const put = await fetch(upload.parts[0]!.url, { method: 'PUT', body: new Uint8Array(upload.partSize) });
    expect(put.status).toBe(200);
    const row = await harness.api.db.query.assets.findFirst({ where: (a, { eq }) => eq(a.id, start.body.asset.id) });

    expect((await tenant.waitForStatus(start.body.asset.id, 'expired', 15_000)).status).toBe('expired');
    // The upload id no longer exists: its parts were freed.
    await expect(
      harness.api.storage.completeMultipartUpload({
        bucket: process.env.S3_BUCKET!,
        key: stagingKey(row!.tenantId, row!.id),
        uploadId: row!.uploadId!,
        parts: [{ partNumber: 1, etag: put.headers.get('etag')! }],
      }),
    ).rejects.toBeInstanceOf(UploadNotFoundError);
    await expectOneExpiredEvent(start.body.asset.id);
  });

  it('a confirmed upload never expires', async () => {
    const { asset } = await tenant.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    expect((await tenant.waitForAsset(asset.id)).status).toBe('ready');
    // Past its upload deadline, a reconciler pass (run here directly, not waited for) leaves it alone.
    await harness.api.db
      .update(assets)
      .set({ uploadExpiresAt: new Date(Date.now() - 60_000) })
      .where(eq(assets.id, asset.id));
    await expireAbandonedUploads(harness.workerDeps);
    expect((await tenant.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('ready');
  });
});

describe('expired upload tokens', () => {
  it('the running reconciler deletes a token a day after it expired, and keeps one that expired an hour ago', async () => {
    const db = harness.api.db;
    /** A token minted through the API, then dated back to have expired `agoMs` ago. */
    const expiredToken = async (agoMs: number) => {
      const minted = await tenant.request('POST', '/v1/upload-tokens');
      expect(minted.status).toBe(201);
      const [row] = await db
        .update(uploadTokens)
        .set({ expiresAt: new Date(Date.now() - agoMs) })
        .where(eq(uploadTokens.tokenHash, hashApiKey(minted.body.token)))
        .returning({ id: uploadTokens.id });
      return row!.id;
    };
    const old = await expiredToken(2 * 86_400_000);
    const recent = await expiredToken(3_600_000);
    const exists = async (id: string) => (await db.query.uploadTokens.findFirst({ where: (t, { eq }) => eq(t.id, id) })) !== undefined;

    await waitFor('the two-day-old token to be swept', async () => !(await exists(old)));
    expect(await exists(recent)).toBe(true);
  });
});
