import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { deliveryAssetPrefix, VARIANT_CACHE_CONTROL, variantPrefix } from '@darkroom/core/keys';
import { privateExpiry } from '@darkroom/core/private-links';
import { signPrivateLink } from '@darkroom/core/delivery';
import { assetObjectLocation } from '@darkroom/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelivery, type DeliveryServer } from '../support/delivery.js';
import { createTestTenant } from '../support/fixtures.js';
import { audioFile } from '../../packages/media/src/audio/test-audio.js';
import { fixture } from '../support/images.js';
import { expectNoAnonymousReads, keysIn } from '../support/private-objects.js';
import { currentDeliveryKey, expectRangesAnswered, PRIVATE_CACHE_CONTROL, requestAsSent } from '../support/private-urls.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * `/p/{exp}/{sig}/{assetId}/{rest}` on a real delivery server (docs/delivery.md#private-media): a
 * private asset's variants and renders through the URLs the API hands out, streamed from the bucket
 * with Range, HEAD, CORS and a max-age bounded by the token; and every refusal, with `no-store`.
 */
const harness = setupHarness();
let delivery: DeliveryServer;
const t = setupTenant(harness, 'private-links');
let asset: Asset;
let key: string;
let jpeg: Uint8Array;

beforeAll(async () => {
  delivery = await startDelivery(harness);
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  asset = await readyAsset('private');
  key = await currentDeliveryKey(harness, t.tenantId);
});
afterAll(() => delivery?.close());

async function readyAsset(visibility: 'public' | 'private', tenant = t): Promise<Asset> {
  const { asset: started } = await tenant.client.uploadAndComplete(jpeg, { filename: 'p.jpg', contentType: 'image/jpeg', visibility });
  const ready = await tenant.client.waitForAsset(started.id);
  expect(ready.status).toBe('ready');
  return ready;
}

/** The API's URL on this test's delivery server. */
const onServer = (url: string) => url.replace(harness.api.config.deliveryBaseUrl, delivery.baseUrl);
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** A private URL of this test's delivery server, signed with `signKey` (default: the tenant's). */
function link(rest: string, options: { exp?: number; assetId?: string; signKey?: string; sig?: string } = {}): string {
  const exp = options.exp ?? privateExpiry(nowSeconds(), 3600);
  const assetId = options.assetId ?? asset.id;
  const sig = options.sig ?? signPrivateLink(options.signKey ?? key, exp, assetId);
  return `${delivery.baseUrl}/p/${exp}/${sig}/${assetId}/${rest}`;
}
const restOf = (url: string) => url.split(`/${asset.id}/`)[1]!;

const get = requestAsSent;

async function bucketBytes(variantKey: string): Promise<Buffer> {
  return harness.api.storage.getBytes(assetObjectLocation(harness.api.config.storage, 'private', variantKey));
}

function expectPrivateCaching(headers: Headers, exp: number) {
  const cacheControl = headers.get('cache-control')!;
  expect(cacheControl).toMatch(PRIVATE_CACHE_CONTROL);
  const maxAge = Number(PRIVATE_CACHE_CONTROL.exec(cacheControl)?.[1]);
  expect(maxAge).toBeLessThanOrEqual(exp - nowSeconds() + 1);
  expect(maxAge).toBeGreaterThan(0);
  expect(maxAge).toBeLessThanOrEqual(86_400);
}

const expOf = (url: string) => Number(url.split('/p/')[1]!.split('/')[0]);

describe('a private asset through its private URLs', () => {
  it('serves every variant the API names, as the bucket holds it, with the token-bounded cache and CORS', async () => {
    expect(asset.variants.length).toBeGreaterThan(0);
    for (const variant of asset.variants) {
      const res = await get(onServer(variant.url));
      expect(res.status, variant.url).toBe(200);
      const variantKey = `${variantPrefix(t.tenantId, asset.id)}${restOf(variant.url)}`;
      expect(res.body.equals(await bucketBytes(variantKey))).toBe(true);
      expectPrivateCaching(res.headers, expOf(variant.url));
      expect(res.headers.get('etag')).toMatch(/^"/);
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toMatch(/Content-Range.*Content-Length.*ETag/);
      expect(res.headers.get('content-length')).toBe(String(res.body.length));
      expect(res.headers.get('vary')).toBeNull();
    }
  });

  it('answers ranges (206, 416 past the end, the whole for several, reversed or malformed), HEAD, a held ETag and a preflight', async () => {
    const url = onServer(asset.variants[0]!.url);
    const whole = await expectRangesAnswered(url);
    const etag = whole.headers.get('etag')!;
    for (const validator of [etag, `W/${etag}`, `"another", ${etag}`, '*']) {
      const held = await get(url, { 'if-none-match': validator });
      expect([held.status, held.body.length], validator).toEqual([304, 0]);
    }
    expect((await get(url, { 'if-none-match': '"another"' })).status).toBe(200);
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Range/);
  });

  it('renders images on request under the same token, with every /img/ rule, and its markup works from delivery.base', async () => {
    const base = onServer(asset.delivery!.base);
    expect(base).toMatch(/\/img\/1$/);
    const webp = await get(`${base}/w_128,f_webp`);
    expect([webp.status, webp.headers.get('content-type')]).toEqual([200, 'image/webp']);
    expectPrivateCaching(webp.headers, expOf(base));
    expect(webp.headers.get('vary')).toBeNull();
    const auto = await get(`${base}/w_256,f_auto`, { accept: 'image/webp' });
    expect([auto.status, auto.headers.get('vary')]).toEqual([200, 'Accept']);
    expect((await get(onServer(asset.delivery!.src))).status).toBe(200);
    // Outside the policy and unsigned: refused as /img/ refuses it, and not kept.
    const outside = await get(`${base}/w_333`);
    expect([outside.status, outside.headers.get('cache-control')]).toEqual([403, 'no-store']);
    // The render is stored where a private asset's objects are, never in the public bucket, and no
    // anonymous GET reads it there.
    const render = `${deliveryAssetPrefix(t.tenantId, asset.id)}r1/w_128,h_96,q_75.webp`;
    await waitFor('the render to be stored', async () => (await keysIn(harness, 'private', render)).length === 1);
    const checked = await expectNoAnonymousReads(harness, { id: asset.id, tenantId: t.tenantId }, [render]);
    expect(checked).toContain(render);
  });

  it('answers ranges of a render as of an object, under its private link and under /img/ alike', async () => {
    const render = await expectRangesAnswered(`${onServer(asset.delivery!.base)}/w_128,f_webp`);
    expect(render.headers.get('content-type')).toBe('image/webp');
    const shown = await readyAsset('public');
    const publicRender = await expectRangesAnswered(`${delivery.baseUrl}/img/${shown.id}/1/w_128,f_webp`);
    expect(publicRender.headers.get('cache-control')).toBe(VARIANT_CACHE_CONTROL);
  });

  it('answers the public routes for a private asset exactly as for an id that does not exist', async () => {
    const unknown = '01900000-0000-7000-8000-000000000000';
    const [mine, none] = await Promise.all([get(`${delivery.baseUrl}/img/${asset.id}/1/w_100`), get(`${delivery.baseUrl}/img/${unknown}/1/w_100`)]);
    expect(mine.status).toBe(404);
    expect(mine.body.toString()).toBe(none.body.toString());
    expect(mine.headers.get('cache-control')).toBe(none.headers.get('cache-control'));
    expect(mine.headers.get('content-type')).toBe(none.headers.get('content-type'));
  });

  it('serves a private audio file’s objects (no width or height of its own); no image is rendered of it, as of an id that does not exist', async () => {
    const bytes = new Uint8Array(await readFile(await audioFile('cover.mp3')));
    const { asset: started } = await t.client.uploadAndComplete(bytes, { filename: 'e.mp3', contentType: 'audio/mpeg', visibility: 'private' });
    const audio = await t.client.waitForAsset(started.id, 120_000);
    expect(audio).toMatchObject({ status: 'ready', kind: 'audio', visibility: 'private', width: null, delivery: null });
    expect(audio.variants.map((v) => v.name).sort()).toEqual(['large', 'medium', 'podcast', 'small', 'thumb', 'waveform']);
    for (const variant of audio.variants) {
      const res = await get(onServer(variant.url));
      expect(res.status, variant.url).toBe(200);
      const objectKey = `${variantPrefix(t.tenantId, audio.id)}${variant.url.split(`/${audio.id}/`)[1]}`;
      expect(res.body.equals(await bucketBytes(objectKey))).toBe(true);
    }
    const podcast = onServer(audio.variants.find((v) => v.name === 'podcast')!.url);
    expect((await get(podcast, { range: 'bytes=0-9' })).status).toBe(206);
    const unknown = '01900000-0000-7000-8000-000000000000';
    const none = await get(`${delivery.baseUrl}/img/${unknown}/1/w_100`);
    const renders = [
      await get(`${delivery.baseUrl}/img/${audio.id}/1/w_100`),
      await get(link('img/1/w_100', { assetId: audio.id, exp: expOf(podcast) })),
    ];
    for (const render of renders) {
      expect(render.status).toBe(404);
      expect(render.body.toString()).toBe(none.body.toString());
    }
  });
});

describe('an asset turned private', () => {
  it('is answered by the public routes as an unknown id from the PATCH’s answer on, and through its private URLs at once', async () => {
    const shown = await readyAsset('public');
    const publicUrl = `${delivery.baseUrl}/img/${shown.id}/1/w_128`;
    expect((await get(publicUrl)).status).toBe(200);
    const patched = await t.client.raw('PATCH', `/v1/assets/${shown.id}`, { visibility: 'private' });
    expect(patched.status).toBe(200);
    const gone = await get(publicUrl);
    expect([gone.status, gone.headers.get('cache-control')]).toEqual([404, 'public, max-age=60']);
    // Its objects are still in the public bucket (the move is owed): the private URLs read them there meanwhile.
    for (const variant of patched.body.variants as { url: string }[]) expect((await get(onServer(variant.url))).status, variant.url).toBe(200);
    expect((await get(`${onServer(patched.body.delivery.base)}/w_128`)).status).toBe(200);
  });
});

describe('refusals of private URLs, each no-store', () => {
  const variantRest = () => restOf(asset.variants[0]!.url);
  async function refusal(url: string, init: Record<string, string> = {}) {
    const res = await get(url, init);
    expect(res.headers.get('cache-control'), url).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin'), url).toBe('*');
    const body = JSON.parse(res.body.toString() || '{}') as { error?: { code: string; message: string } };
    expect(body.error?.message ?? '', url).not.toMatch(/darkroom-test|originals|variants\/|127\.0\.0\.1|select /i);
    return `${res.status} ${body.error?.code}`;
  }

  it('says expired for an exp past, forbidden for one too far ahead or malformed', async () => {
    expect(await refusal(link(variantRest(), { exp: nowSeconds() - 10 }))).toBe('403 expired');
    expect(await refusal(link(variantRest(), { exp: nowSeconds() + 604_800 + 600 }))).toBe('403 forbidden');
    const good = privateExpiry(nowSeconds(), 3600);
    const sig = signPrivateLink(key, good, asset.id);
    for (const exp of [`+${good}`, `0${good}`, `${good}.0`, '9'.repeat(30), `-${good}`]) {
      expect(await refusal(`${delivery.baseUrl}/p/${exp}/${sig}/${asset.id}/${variantRest()}`), exp).toBe('403 forbidden');
    }
  });

  it('refuses a signature of another asset, of another tenant’s key, truncated or padded', async () => {
    const other = await readyAsset('private');
    const exp = privateExpiry(nowSeconds(), 3600);
    expect(await refusal(link(variantRest(), { sig: signPrivateLink(key, exp, other.id), exp }))).toBe('403 forbidden');
    const stranger = await createTestTenant(harness, 'private-links-stranger');
    await readyAsset('private', stranger);
    const strangerKey = await currentDeliveryKey(harness, stranger.tenantId);
    expect(await refusal(link(variantRest(), { signKey: strangerKey }))).toBe('403 forbidden');
    const sig = signPrivateLink(key, exp, asset.id);
    expect(await refusal(link(variantRest(), { exp, sig: sig.slice(0, 21) }))).toBe('403 forbidden');
    expect(await refusal(link(variantRest(), { exp, sig: `${sig}A` }))).toBe('403 forbidden');
    expect(await refusal(link(variantRest(), { exp, sig: `${sig.slice(0, 20)}==` }))).toBe('403 forbidden');
  });

  it('finds nothing outside the asset: dot segments, encodings, backslashes, another asset’s variant, a name only in the public bucket', async () => {
    for (const rest of [
      '..',
      `../${asset.id}/${variantRest()}`,
      `%2e%2e/${variantRest()}`,
      variantRest().replace('/', '%2f'),
      variantRest().replace('/', '\\'),
    ]) {
      expect(await refusal(link(rest)), rest).toBe('404 not_found');
    }
    // Another asset's variant, by its name under this asset's token: not this asset's, so nothing.
    const png = new Uint8Array(await readFile(fixture('Flag_of_the_Netherlands-alpha.png')));
    const { asset: started } = await t.client.uploadAndComplete(png, { filename: 'f.png', contentType: 'image/png', visibility: 'private' });
    const other = await t.client.waitForAsset(started.id);
    const otherRest = other.variants[0]!.url.split(`/${other.id}/`)[1]!;
    expect((await get(onServer(other.variants[0]!.url))).status).toBe(200);
    expect(await refusal(link(otherRest))).toBe('404 not_found');
    // An object under the asset's prefix, but in the public bucket: a private asset's link never reads it.
    const planted = `${variantPrefix(t.tenantId, asset.id)}planted.webp`;
    await harness.api.storage.putObject({
      bucket: harness.api.config.storage.publicBucket,
      key: planted,
      body: Buffer.from('x'),
      contentType: 'image/webp',
    });
    try {
      expect(await refusal(link('planted.webp'))).toBe('404 not_found');
    } finally {
      await harness.api.storage.deleteObject({ bucket: harness.api.config.storage.publicBucket, key: planted });
    }
  });

  it('answers a valid token for an unknown, deleted or not ready asset 404', async () => {
    const unknown = '01900000-0000-7000-8000-0000000000ff';
    expect(await refusal(link('r1/x.webp', { assetId: unknown }))).toBe('404 not_found');
    // Served (so cached) a moment before its DELETE, then nothing of it.
    const deleted = await readyAsset('private');
    expect((await get(onServer(deleted.variants[0]!.url))).status).toBe(200);
    expect((await t.client.raw('DELETE', `/v1/assets/${deleted.id}`)).status).toBe(204);
    expect(await refusal(onServer(deleted.variants[0]!.url))).toBe('404 not_found');
    expect(await refusal(`${onServer(deleted.delivery!.base)}/w_128`)).toBe('404 not_found');
    const started = await t.client.raw('POST', '/v1/uploads', {
      filename: 'w.jpg',
      contentType: 'image/jpeg',
      size: jpeg.byteLength,
      visibility: 'private',
    });
    expect(await refusal(link('r1/x.webp', { assetId: started.body.asset.id }))).toBe('404 not_found');
  });
});
