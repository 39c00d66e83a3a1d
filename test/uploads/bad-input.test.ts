import { readFile } from 'node:fs/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { stagingKey } from '@darkroom/core/keys';
import { describe, expect, it } from 'vitest';
import { asSinglePut } from '../support/client.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

const harness = setupHarness();
const tenant = setupTenant(harness, 'bad-input');

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error?.code).toBe(code);
  expect(res.body.error?.message.length).toBeGreaterThan(10);
}

describe('bad media fails at once with its code, and the worker keeps serving', () => {
  it('a truncated JPEG is corrupt_image after one attempt', async () => {
    const { asset, job } = await tenant.client.uploadFile(fixture('truncated.jpg'), 'image/jpeg');
    const failed = await tenant.client.waitForAsset(asset.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('corrupt_image');
    expect(failed.variants).toEqual([]);
    const jobRes = await tenant.client.request('GET', `/v1/jobs/${job.id}`);
    expect(jobRes.body).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'corrupt_image' } });
    expect(jobRes.body.finishedAt).not.toBeNull();
  });

  it('an image over MAX_INPUT_PIXELS is too_many_pixels, without decoding it', async () => {
    const { asset } = await tenant.client.uploadFile(fixture('bomb-20000x20000.png'), 'image/png');
    const failed = await tenant.client.waitForAsset(asset.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('too_many_pixels');
    expect(failed.error?.message).toMatch(/20000/);
  });

  it('still processes a good image after the bad ones', async () => {
    const { asset } = await tenant.client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
    const ready = await tenant.client.waitForAsset(asset.id);
    expect(ready.status).toBe('ready');
    expect([ready.width, ready.height]).toEqual([3264, 2448]);
  });
});

describe('bad uploads are refused with a clear code', () => {
  it('a text file declared as image/jpeg is content_mismatch', async () => {
    const text = new TextEncoder().encode('just some text, not a picture at all\n'.repeat(20));
    const { asset } = await tenant.client.upload(text, { filename: 'notes.jpg', contentType: 'image/jpeg' });
    const res = await tenant.client.request('POST', `/v1/uploads/${asset.id}/complete`, {});
    expectError(res, 415, 'content_mismatch');
    expect(res.body.error?.details).toMatchObject({ declared: 'image/jpeg', detected: null });
    // Nothing was queued: the asset still waits for a correct upload.
    expect((await tenant.client.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('awaiting_upload');
    expect((await tenant.client.request('GET', `/v1/assets/${asset.id}/jobs`)).body.items).toEqual([]);
  });

  it('a PNG declared as image/jpeg is content_mismatch', async () => {
    const png = new Uint8Array(await readFile(fixture('Flag_of_the_Netherlands-alpha.png')));
    const { asset } = await tenant.client.upload(png, { filename: 'flag.jpg', contentType: 'image/jpeg' });
    const res = await tenant.client.request('POST', `/v1/uploads/${asset.id}/complete`, {});
    expectError(res, 415, 'content_mismatch');
    expect(res.body.error?.details?.detected).toBe('image/png');
  });

  it('zero bytes is invalid_request', async () => {
    expectError(
      await tenant.client.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 0 }),
      400,
      'invalid_request',
    );
  });

  it('an object of another size than declared is size_mismatch', async () => {
    const start = await tenant.client.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 5000 });
    // Presigned URLs refuse other lengths, so put the wrong bytes in with the server's own credentials.
    const bytes = await readFile(fixture('320x240.jpg'));
    const s3 = new S3Client({
      endpoint: process.env.S3_ENDPOINT,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! },
    });
    const row = await harness.api.db.query.assets.findFirst({ where: (a, { eq }) => eq(a.id, start.body.asset.id) });
    // Where the upload URL writes (the staging key), not the original key.
    await s3.send(new PutObjectCommand({ Bucket: process.env.S3_BUCKET, Key: stagingKey(row!.tenantId, row!.id), Body: bytes }));
    s3.destroy();
    const res = await tenant.client.request('POST', `/v1/uploads/${start.body.asset.id}/complete`, {});
    expectError(res, 422, 'size_mismatch');
    expect(res.body.error?.details).toEqual({ declared: 5000, actual: bytes.length });
  });

  it('complete before any bytes arrived is upload_missing', async () => {
    const start = await tenant.client.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 100 });
    expectError(await tenant.client.request('POST', `/v1/uploads/${start.body.asset.id}/complete`, {}), 409, 'upload_missing');
  });

  it('a type that is not accepted is unsupported_media_type', async () => {
    for (const contentType of ['image/svg+xml', 'application/pdf', 'text/plain']) {
      const res = await tenant.client.request('POST', '/v1/uploads', { filename: 'x', contentType, size: 10 });
      expectError(res, 415, 'unsupported_media_type');
      expect(res.body.error?.details?.accepted).toContain('image/jpeg');
    }
  });

  it('a file over MAX_UPLOAD_BYTES is file_too_large', async () => {
    const res = await tenant.client.request('POST', '/v1/uploads', { filename: 'x.jpg', contentType: 'image/jpeg', size: 100 * 1024 * 1024 + 1 });
    expectError(res, 413, 'file_too_large');
  });

  it('an unknown preset is preset_not_found', async () => {
    const res = await tenant.client.request('POST', '/v1/uploads', { filename: 'x.jpg', contentType: 'image/jpeg', size: 10, preset: 'nope' });
    expectError(res, 404, 'preset_not_found');
  });

  it('unknown and malformed fields are invalid_request naming the field', async () => {
    const unknown = await tenant.client.raw('POST', '/v1/uploads', { filename: 'x.jpg', contentType: 'image/jpeg', size: 10, colour: 'red' });
    expectError(unknown, 400, 'invalid_request');
    expect(unknown.body.error?.message).toContain('"colour"');
    const badSize = await tenant.client.raw('POST', '/v1/uploads', { filename: 'x.jpg', contentType: 'image/jpeg', size: 'big' });
    expectError(badSize, 400, 'invalid_request');
    expect(badSize.body.error?.message).toContain('"size"');
    // A field left out is named as missing, not in the schema library's words.
    const noSize = await tenant.client.raw('POST', '/v1/uploads', { filename: 'x.jpg', contentType: 'image/jpeg' });
    expectError(noSize, 400, 'invalid_request');
    expect(noSize.body.error).toMatchObject({ message: 'Missing "size" in body.', details: { field: 'size', in: 'body' } });
    for (const filename of ['', 'a'.repeat(256), '../../etc/passwd', 'bad\nname.jpg']) {
      expectError(await tenant.client.request('POST', '/v1/uploads', { filename, contentType: 'image/jpeg', size: 10 }), 400, 'invalid_request');
    }
    const bigMeta = { filename: 'x.jpg', contentType: 'image/jpeg', size: 10, metadata: { note: 'x'.repeat(5000) } };
    expectError(await tenant.client.request('POST', '/v1/uploads', bigMeta), 400, 'invalid_request');
  });

  it('the presigned URL refuses another content-length and another content-type', async () => {
    const bytes = new Uint8Array(await readFile(fixture('320x240.jpg')));
    const start = await tenant.client.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: bytes.length });
    const { url, headers } = asSinglePut(start.body.upload);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    const wrongLength = await fetch(url, { method: 'PUT', headers, body: longer });
    expect(wrongLength.status).toBeGreaterThanOrEqual(400);
    const wrongType = await fetch(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: bytes });
    expect(wrongType.status).toBeGreaterThanOrEqual(400);
    const right = await fetch(url, { method: 'PUT', headers, body: bytes });
    expect(right.status).toBe(200);
  });
});
