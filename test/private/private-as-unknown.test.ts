import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { getAsset } from '@darkroom/db/queries/assets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveAssetObjects } from '../../apps/worker/src/visibility-move.js';
import { imagePath, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { fixture } from '../support/images.js';
import { currentDeliveryKey } from '../support/private-urls.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A public asset turned private answers anybody without its private URLs exactly as an id that
 * never existed (docs/api.md#visibility): the delivery server's public routes from the PATCH's
 * answer on, status, body and headers alike; and, once its objects have moved, the bucket at the
 * public URLs its variants had, as at a key that was never written. Nobody learns that it exists.
 */
const NEVER = '01900000-0000-7000-8000-00000000a5e7';
/** Headers that differ from one answer to the next whatever is asked: when it was sent. */
const PER_ANSWER = new Set(['date']);

const harness = setupHarness();
let delivery: DeliveryServer;
const t = setupTenant(harness, 'private-as-unknown');
let shown: Asset;

beforeAll(async () => {
  delivery = await startDelivery(harness);
  const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  const { asset: started } = await t.client.uploadAndComplete(jpeg, { filename: 'u.jpg', contentType: 'image/jpeg' });
  shown = await t.client.waitForAsset(started.id);
  expect(shown).toMatchObject({ status: 'ready', visibility: 'public' });
});
afterAll(() => delivery?.close());

/** Everything an answer says: status, every header but the date, and the body. */
async function wholeAnswer(url: string, method = 'GET') {
  const res = await fetch(url, { method, redirect: 'manual' });
  const headers = Object.fromEntries([...res.headers].filter(([name]) => !PER_ANSWER.has(name)));
  return { status: res.status, headers, body: await res.text() };
}

/** What the bucket says of an anonymous GET: status, content type and S3's error code (its request ids differ). */
async function bucketAnswer(url: string) {
  const res = await fetch(url);
  const code = /<Code>([^<]*)<\/Code>/.exec(await res.text())?.[1];
  return { status: res.status, contentType: res.headers.get('content-type'), code };
}

describe('a public asset turned private, to anybody without its private URLs', () => {
  it('is answered by the public routes as an id that never existed, headers included, from the PATCH’s answer on', async () => {
    const within = `${delivery.baseUrl}/img/${shown.id}/1/w_128`;
    expect((await wholeAnswer(within)).status).toBe(200);
    const patched = await t.client.raw('PATCH', `/v1/assets/${shown.id}`, { visibility: 'private' });
    expect(patched.status).toBe(200);
    const key = await currentDeliveryKey(harness, t.tenantId);
    // Within the policy, a format asked, signed with the tenant's own key, and a revision to come.
    const paths = (id: string) => [`/img/${id}/1/w_128`, `/img/${id}/1/w_128,f_webp`, imagePath(id, 1, 'w_123,f_webp', key), `/img/${id}/2/w_128`];
    const [mine, never] = [paths(shown.id), paths(NEVER)];
    for (const [i, path] of mine.entries()) {
      for (const method of ['GET', 'HEAD']) {
        const [answered, unknown] = await Promise.all([
          wholeAnswer(`${delivery.baseUrl}${path}`, method),
          wholeAnswer(`${delivery.baseUrl}${never[i]}`, method),
        ]);
        expect(answered.status, `${method} ${path}`).toBe(404);
        expect(answered, `${method} ${path}`).toEqual(unknown);
      }
    }
  });

  it('leaves the public URLs its variants had answering as a key never written, once its objects have moved', async () => {
    expect(await moveAssetObjects(harness.workerDeps, (await getAsset(harness.api.db, { id: shown.id }))!)).toBe('moved');
    expect(shown.variants.length).toBeGreaterThan(0);
    for (const variant of shown.variants) {
      expect(variant.url).toContain(shown.id);
      const [answered, unknown] = await Promise.all([bucketAnswer(variant.url), bucketAnswer(variant.url.replaceAll(shown.id, NEVER))]);
      expect(answered.status, variant.url).not.toBe(200);
      expect(answered, variant.url).toEqual(unknown);
    }
  });
});
