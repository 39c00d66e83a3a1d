import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, asMultipart, asSinglePut } from '../support/client.js';
import { expectRefusal } from '../support/hostile.js';
import { fixture } from '../support/images.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Presigned URLs are the one door that skips the API: the bucket itself must refuse a URL that was
 * tampered with, one past its time, and bytes of another length or type than were signed.
 */
const harness = setupHarness({ withWorker: false, env: { UPLOAD_URL_TTL: '2s', MULTIPART_THRESHOLD_BYTES: String(8 * 1024 * 1024) } });
let client: TestApi;
let other: TestApi;
let jpeg: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  // URLs last 2 s. SigV4 dates are whole seconds, so a URL signed late in a second lives a little over
  // 1 s (with 1 s, a few ms: a test's PUTs right after signing could find it expired).
  client = harness.admin.withToken((await harness.admin.createTenant('hostile-urls')).apiKey);
  other = harness.admin.withToken((await harness.admin.createTenant('hostile-urls-other')).apiKey);
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});

async function startPut(owner = client) {
  const res = await owner.request('POST', '/v1/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: jpeg.length });
  expect(res.status).toBe(201);
  const upload = asSinglePut(res.body.upload);
  return { assetId: res.body.asset.id, url: new URL(upload.url), headers: upload.headers };
}

const put = (url: URL | string, headers: Record<string, string>, body: Uint8Array<ArrayBuffer> = jpeg) =>
  fetch(url, { method: 'PUT', headers, body });

describe('forged presigned URLs', () => {
  it('refuses a URL whose signature, key, expiry or signed headers were changed', async () => {
    const { assetId, url, headers } = await startPut();
    const otherUpload = await startPut(other);
    const forgeries: URL[] = [];
    const flipSignature = new URL(url);
    const signature = flipSignature.searchParams.get('X-Amz-Signature')!;
    flipSignature.searchParams.set('X-Amz-Signature', `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`);
    forgeries.push(flipSignature);
    // Another tenant's key, with this URL's signature.
    const swapped = new URL(url);
    swapped.pathname = otherUpload.url.pathname;
    forgeries.push(swapped);
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    forgeries.push(longer);
    const unsigned = new URL(url);
    unsigned.searchParams.delete('X-Amz-Signature');
    forgeries.push(unsigned);
    for (const forged of forgeries) expect((await put(forged, headers)).status, forged.search).toBe(403);

    // Nothing reached either key: completing finds no object.
    expectRefusal(harness, await client.request('POST', `/v1/uploads/${assetId}/complete`, {}), 409, 'upload_missing');
    expectRefusal(harness, await other.request('POST', `/v1/uploads/${otherUpload.assetId}/complete`, {}), 409, 'upload_missing');
  });

  it('refuses a multipart part URL used for another part number or upload', async () => {
    const size = 9 * 1024 * 1024;
    const res = await client.request('POST', '/v1/uploads', { filename: 'big.jpg', contentType: 'image/jpeg', size });
    const first = new URL(asMultipart(res.body.upload).parts[0]!.url);
    const renumbered = new URL(first);
    renumbered.searchParams.set('partNumber', '2');
    expect((await put(renumbered, {}, new Uint8Array(1024))).status).toBe(403);
    const reupload = new URL(first);
    reupload.searchParams.set('uploadId', 'someone-elses-upload');
    expect((await put(reupload, {}, new Uint8Array(1024))).status).toBe(403);
  });
});

describe('expired presigned URLs', () => {
  it('refuses a URL after its time, and complete then finds nothing', async () => {
    const { assetId, url, headers } = await startPut();
    // Past the longest a 2 s URL can live (signed at the very start of its second).
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect((await put(url, headers)).status).toBe(403);
    expectRefusal(harness, await client.request('POST', `/v1/uploads/${assetId}/complete`, {}), 409, 'upload_missing');
  });
});

describe('bytes other than those signed', () => {
  it('refuses another length and another content type, then takes the signed ones', async () => {
    const { url, headers } = await startPut();
    const longer = new Uint8Array(jpeg.length + 1);
    longer.set(jpeg);
    expect((await put(url, headers, longer)).status).toBeGreaterThanOrEqual(400);
    expect((await put(url, headers, jpeg.slice(1))).status).toBeGreaterThanOrEqual(400);
    expect((await put(url, { ...headers, 'content-type': 'image/svg+xml' })).status).toBe(403);
    expect((await put(url, headers)).status).toBe(200);
  });
});
