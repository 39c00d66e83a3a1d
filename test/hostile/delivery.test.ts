import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { signDeliveryPath } from '@darkroom/core/delivery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagePath, newDeliveryKey, setDeliverySettings, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { createTestTenant } from '../support/fixtures.js';
import { expectNothingInternal, expectRefusal } from '../support/hostile.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * The delivery server answers anyone: every malformed, oversized, forged or junk request gets its
 * code in the one error shape, naming nothing internal, and the server keeps answering.
 */
const harness = setupHarness();
let delivery: DeliveryServer;
const tenant = setupTenant(harness, 'hostile-delivery');
let key: string;
let photo: any;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A request with its path sent byte for byte as given (fetch would normalise `..` and encodings). */
function raw(path: string, method = 'GET'): Promise<Raw> {
  const { hostname, port } = new URL(delivery.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const json = String(res.headers['content-type'] ?? '').includes('json');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: json && text ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function refused(res: Raw, status: number, code: string) {
  expectRefusal(harness, res, status, code);
  expect(res.headers['cache-control']).toBe(status === 400 || status === 404 ? 'public, max-age=60' : 'no-store');
}

beforeAll(async () => {
  delivery = await startDelivery(harness, { DELIVERY_RENDER_CONCURRENCY: '2', DELIVERY_QUEUE_LENGTH: '4', DELIVERY_QUEUE_TIMEOUT: '2s' });
  key = newDeliveryKey();
  await setDeliverySettings(harness, tenant.tenantId, { key, policy: { rendersPerMinute: 30 } });
  const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('DSCN0010.jpg'))), {
    filename: 'photo.jpg',
    contentType: 'image/jpeg',
  });
  photo = await tenant.client.waitForAsset(asset.id);
  expect(photo.status).toBe('ready');
});
afterAll(() => delivery?.close());

describe('options', () => {
  it('refuses malformed and oversized options with 400 naming the token, signed or not', async () => {
    const bad = [
      'w_abc',
      'w_-5',
      'w_1e3',
      'w_0x10',
      'w_640;q_75',
      ',',
      'w_640,,q_75',
      'w_640,',
      'w_8193',
      'h_99999',
      'q_0',
      'q_101',
      'dpr_4',
      'dpr_0.5',
      'c_fill',
      'g_north',
      'z_2.0',
      'z_11',
      'e_blur-faces-0',
      'e_sepia',
      'f_svg',
      'f_gif',
      'x_1',
      `w_${'9'.repeat(400)}`,
      encodeURIComponent('w_６４０'),
      encodeURIComponent('ｗ_640'),
      'w_640%20',
      'w_640%00',
      'c_cover,w_640',
    ];
    for (const options of bad) {
      for (const signed of [false, true]) {
        const decoded = decodeURIComponent(options);
        const path = signed ? `/img/${photo.id}/1/${options}/${signDeliveryPath(key, `${photo.id}/1/${decoded}`)}` : `/img/${photo.id}/1/${options}`;
        const res = await raw(path);
        refused(res, 400, 'invalid_request');
      }
    }
  });

  it('refuses every token given twice', async () => {
    for (const token of ['w_640', 'h_480', 'c_inside', 'c_cover', 'g_focus', 'g_auto', 'q_75', 'f_auto', 'f_webp', 'dpr_2']) {
      const res = await raw(`/img/${photo.id}/1/w_640,${token},${token}`.replace('w_640,w_640,w_640', 'w_640,w_640'));
      refused(res, 400, 'invalid_request');
      expect(res.body.error?.message).toContain('twice');
    }
    refused(await raw(`/img/${photo.id}/1/w_640,h_480,w_320`), 400, 'invalid_request');
  });
});

describe('path junk', () => {
  it('answers 404 for junk in the id, the revision or the shape of the path', async () => {
    const id = photo.id;
    const junk = [
      `/img/../img/${id}/1/w_640`,
      `/img/%2e%2e/1/w_640`,
      `/img/${id}%2F1/1/w_640`,
      `/img/${id}/1%2Fw_640/w_640`,
      `/img/%zz/1/w_640`,
      `/img/${encodeURIComponent('ü')}/1/w_640`,
      `/img/${id}%00/1/w_640`,
      `/img/${'a'.repeat(5000)}/1/w_640`,
      `/img/${id}/1/${'w_640,'.repeat(1000)}w_640`,
      `/img/${id}/${'9'.repeat(600)}/w_640`,
      `/img/${id}//w_640`,
      `/img/${id}/0/w_640`,
      `/img/${id}/01/w_640`,
      `/img/${id}/-1/w_640`,
      `/img/${id}/1.0/w_640`,
      `/img/${id}/1e0/w_640`,
      `/img/${id}/99999999999999999999/w_640`,
      `/img/${id}/1/w_640/${signDeliveryPath(key, `${id}/1/w_640`)}/extra`,
      `/img/${id}/1`,
      `/img/${id}`,
      '/img',
      `/img/${id.toUpperCase()}/1/w_640`,
      `/img/${id}/${encodeURIComponent('١')}/w_640`,
    ];
    for (const path of junk) refused(await raw(path), 404, 'not_found');
    // Another method on the same path: no such route.
    expect((await raw(`/img/${id}/1/w_640`, 'POST')).status).toBe(404);
  });

  it('answers 404 for revisions from the future, another id, and a deleted asset', async () => {
    for (const revision of [2, 3, 1000, 999_999_999]) refused(await raw(imagePath(photo.id, revision, 'w_640')), 404, 'not_found');
    refused(await raw(imagePath('01920000-0000-7000-8000-000000000000', 1, 'w_640')), 404, 'not_found');
    const { asset } = await tenant.client.uploadAndComplete(new Uint8Array(await readFile(fixture('320x240.jpg'))), {
      filename: 'gone.jpg',
      contentType: 'image/jpeg',
    });
    await tenant.client.waitForAsset(asset.id);
    expect((await tenant.client.request('DELETE', `/v1/assets/${asset.id}`)).status).toBe(204);
    refused(await raw(imagePath(asset.id, 1, 'w_640')), 404, 'not_found');
    refused(await raw(imagePath(asset.id, 1, 'w_641', key)), 404, 'not_found');
  });
});

describe('signatures', () => {
  it("refuses signatures of every length and alphabet, and another tenant's key", async () => {
    const path = `${photo.id}/1/w_641`;
    const good = signDeliveryPath(key, path);
    const alphabets = ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', '0123456789abcdef', '+/=', '%C3%A9', '%00', '.'];
    for (const alphabet of alphabets) {
      const symbols = alphabet.startsWith('%') ? [alphabet] : [...alphabet];
      for (let length = 1; length <= 64; length += length < 24 ? 1 : 8) {
        const signature = Array.from({ length }, (_, i) => symbols[(i * 7 + length) % symbols.length]).join('');
        if (signature === good) continue;
        const res = await raw(`/img/${path}/${signature.replaceAll('+', '%2B').replaceAll('/', '%2F')}`);
        expect([403, 404], `${signature} → ${res.status}`).toContain(res.status);
        expectNothingInternal(harness, res.body);
        if (res.status === 403) refused(res, 403, 'forbidden');
      }
    }
    const other = await createTestTenant(harness, 'hostile-delivery-other');
    const otherKey = newDeliveryKey();
    await setDeliverySettings(harness, other.tenantId, { key: otherKey });
    refused(await raw(`/img/${path}/${signDeliveryPath(otherKey, path)}`), 403, 'forbidden');
    expect((await raw(`/img/${path}/${good}`)).status).toBe(200);
  });
});

describe('a flood of distinct transforms', () => {
  it('answers each with an image, 429 or 503 (with Retry-After), and keeps answering', async () => {
    const statuses = new Map<number, number>();
    const widths = Array.from({ length: 96 }, (_, i) => 200 + i);
    for (let i = 0; i < widths.length; i += 16) {
      const batch = widths.slice(i, i + 16).map((w) => raw(imagePath(photo.id, 1, `w_${w},f_webp`, key)));
      for (const res of await Promise.all(batch)) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) continue;
        expect([429, 503]).toContain(res.status);
        refused(res, res.status, res.status === 429 ? 'rate_limited' : 'unavailable');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    }
    expect(statuses.get(429)).toBeGreaterThan(0); // 96 renders against 30 a minute
    expect((await raw('/healthz')).status).toBe(200);
    expect((await raw(imagePath(photo.id, 1, 'w_640'))).status).toBe(200);
  });
});
