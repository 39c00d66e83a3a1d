import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { INTERIM_PLAYLIST_CACHE_CONTROL, VARIANT_CACHE_CONTROL, variantPrefix } from '@darkroom/core/keys';
import { assetObjectLocation } from '@darkroom/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAssetShape, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { fixture } from '../support/images.js';
import { privateCacheControl, requestAsSent, type SentAnswer } from '../support/private-urls.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * What a cache in front of `/p/` may keep, and what a resumed read gets (docs/delivery.md#answers):
 * every answer a cache may keep says `must-revalidate` (a CDN that serves stale copies while the
 * origin fails, or by rules of its own, must not serve one past the link's `exp`); and a range
 * resumed with `If-Range` after its object was rewritten in place (an interim master playlist,
 * then the final one) is the whole new object, never a slice of it spliced onto the old one's start.
 * Objects are written straight into the private bucket, on the real S3 server.
 */
const harness = setupHarness();
let delivery: DeliveryServer;
const t = setupTenant(harness, 'private-link-caching');
/** Longer than any token's life left here is not: every answer's max-age is this, exactly. */
const MAX_AGE = 600;
let jpeg: Uint8Array;

beforeAll(async () => {
  delivery = await startDelivery(harness, { PRIVATE_CACHE_MAX_AGE: String(MAX_AGE) });
  jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
});
afterAll(() => delivery?.close());

async function readyPrivateAsset(): Promise<Asset> {
  const { asset: started } = await t.client.uploadAndComplete(jpeg, { filename: 'c.jpg', contentType: 'image/jpeg', visibility: 'private' });
  const ready = await t.client.waitForAsset(started.id);
  expect(ready).toMatchObject({ status: 'ready', visibility: 'private' });
  return ready;
}

/** `{delivery}/p/{exp}/{sig}/{assetId}`, with the token the API handed out. */
function linkBase(asset: Asset): string {
  const url = asset.variants[0]!.url.replace(harness.api.config.deliveryBaseUrl, delivery.baseUrl);
  return `${url.split(`/${asset.id}/`)[0]}/${asset.id}`;
}

/** Writes `text` as the asset's object `rest`, as a chunked render publishes its master playlist. */
function writeObject(asset: Asset, rest: string, text: string, cacheControl: string) {
  const place = assetObjectLocation(harness.api.config.storage, 'private', `${variantPrefix(t.tenantId, asset.id)}${rest}`);
  return harness.api.storage.putObject({ ...place, body: Buffer.from(text), contentType: 'application/vnd.apple.mpegurl', cacheControl });
}

const INTERIM = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=640x360\nr0/index.m3u8\n';
const FINAL = `${INTERIM}#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=1280x720\nr1/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1920x1080\nr2/index.m3u8\n`;

describe('a read resumed with If-Range', () => {
  it('gets the whole final master playlist, not a splice, once the interim one it began was rewritten in place', async () => {
    const asset = await readyPrivateAsset();
    const url = `${linkBase(asset)}/stream-resumed/master.m3u8`;
    await writeObject(asset, 'stream-resumed/master.m3u8', INTERIM, INTERIM_PLAYLIST_CACHE_CONTROL);
    const begun = await requestAsSent(url, { range: 'bytes=0-19' });
    expect([begun.status, begun.body.toString()]).toEqual([206, INTERIM.slice(0, 20)]);
    const interimTag = begun.headers.get('etag')!;
    expect(interimTag).toMatch(/^"/);
    // Still the same object: the rest of it (an interim playlist is never kept: from the bucket).
    const rest = await requestAsSent(url, { range: 'bytes=20-', 'if-range': interimTag });
    expect([rest.status, rest.body.toString()]).toEqual([206, INTERIM.slice(20)]);

    await writeObject(asset, 'stream-resumed/master.m3u8', FINAL, VARIANT_CACHE_CONTROL);
    const resumed = await requestAsSent(url, { range: 'bytes=20-', 'if-range': interimTag });
    expect([resumed.status, resumed.headers.get('content-range'), resumed.body.toString()]).toEqual([200, null, FINAL]);
    const finalTag = resumed.headers.get('etag')!;
    expect(finalTag).not.toBe(interimTag);
    expect(resumed.headers.get('cache-control')).toBe(privateCacheControl(MAX_AGE));
    // The final playlist, kept by the process now, answers If-Range alike.
    const head = await requestAsSent(url, { range: 'bytes=20-', 'if-range': interimTag }, 'HEAD');
    expect([head.status, head.headers.get('content-length'), head.headers.get('etag')]).toEqual([200, String(FINAL.length), finalTag]);
    const finalRest = await requestAsSent(url, { range: 'bytes=20-', 'if-range': finalTag });
    expect([finalRest.status, finalRest.headers.get('content-range'), finalRest.body.toString()]).toEqual([
      206,
      `bytes 20-${FINAL.length - 1}/${FINAL.length}`,
      FINAL.slice(20),
    ]);
  });

  it('gets the whole of an object rewritten shorter, not 416, for a range past its end; HEAD alike', async () => {
    const asset = await readyPrivateAsset();
    const url = `${linkBase(asset)}/stream-shorter/master.m3u8`;
    await writeObject(asset, 'stream-shorter/master.m3u8', FINAL, INTERIM_PLAYLIST_CACHE_CONTROL);
    const oldTag = (await requestAsSent(url, { range: 'bytes=0-9' })).headers.get('etag')!;
    await writeObject(asset, 'stream-shorter/master.m3u8', INTERIM, INTERIM_PLAYLIST_CACHE_CONTROL);
    const past = await requestAsSent(url, { range: `bytes=${INTERIM.length + 5}-`, 'if-range': oldTag });
    expect([past.status, past.body.toString()]).toEqual([200, INTERIM]);
    const head = await requestAsSent(url, { range: 'bytes=5-', 'if-range': oldTag }, 'HEAD');
    expect([head.status, head.headers.get('content-length'), head.headers.get('content-range')]).toEqual([200, String(INTERIM.length), null]);
    // With the object's own ETag a range past its end is still 416.
    const newTag = past.headers.get('etag')!;
    const refused = await requestAsSent(url, { range: `bytes=${INTERIM.length + 5}-`, 'if-range': newTag });
    expect([refused.status, refused.headers.get('content-range')]).toEqual([416, `bytes */${INTERIM.length}`]);
  });

  it('is allowed by CORS: a preflight under /p/ lets a page send If-Range', async () => {
    const asset = await readyPrivateAsset();
    const preflight = await fetch(`${linkBase(asset)}/stream-resumed/master.m3u8`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'range, if-range' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = preflight.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['range', 'if-range', 'if-none-match']));
  });
});

describe('every /p/ answer a cache may keep', () => {
  /** Each answer's status and Cache-Control, by what was asked. */
  async function cachingOf(asked: Record<string, { url: string; headers?: Record<string, string>; method?: string }>) {
    const seen: Record<string, [number, string | null]> = {};
    for (const [name, { url, headers, method }] of Object.entries(asked)) {
      const res: SentAnswer = await requestAsSent(url, headers, method);
      seen[name] = [res.status, res.headers.get('cache-control')];
    }
    return seen;
  }

  it('says must-revalidate, never past the link: objects, playlists, renders, redirects; GET, HEAD, 206 and 304 alike', async () => {
    const asset = await readyPrivateAsset();
    const base = linkBase(asset);
    await writeObject(asset, 'stream-kinds/master.m3u8', INTERIM, INTERIM_PLAYLIST_CACHE_CONTROL);
    await writeObject(asset, 'stream-kinds/r0/index.m3u8', FINAL, VARIANT_CACHE_CONTROL);
    const variant = `${base}/${asset.variants[0]!.url.split(`/${asset.id}/`)[1]}`;
    const render = `${base}/img/1/w_64,f_webp`;
    const objectTag = (await requestAsSent(variant)).headers.get('etag')!;
    const renderTag = (await requestAsSent(render)).headers.get('etag')!;
    const kept = privateCacheControl(MAX_AGE);
    const interim = privateCacheControl(10);
    expect(
      await cachingOf({
        object: { url: variant },
        objectRange: { url: variant, headers: { range: 'bytes=0-9' } },
        objectHeld: { url: variant, headers: { 'if-none-match': objectTag } },
        objectHead: { url: variant, method: 'HEAD' },
        objectHeadRange: { url: variant, method: 'HEAD', headers: { range: 'bytes=0-9' } },
        interimMaster: { url: `${base}/stream-kinds/master.m3u8` },
        interimMasterRange: { url: `${base}/stream-kinds/master.m3u8`, headers: { range: 'bytes=0-9' } },
        interimMasterHead: { url: `${base}/stream-kinds/master.m3u8`, method: 'HEAD' },
        rungPlaylist: { url: `${base}/stream-kinds/r0/index.m3u8` },
        render: { url: render },
        renderRange: { url: render, headers: { range: 'bytes=0-9' } },
        renderHeld: { url: render, headers: { 'if-none-match': renderTag } },
        renderHead: { url: render, method: 'HEAD' },
      }),
    ).toEqual({
      object: [200, kept],
      objectRange: [206, kept],
      objectHeld: [304, kept],
      objectHead: [200, kept],
      objectHeadRange: [206, kept],
      interimMaster: [200, interim],
      interimMasterRange: [206, interim],
      interimMasterHead: [200, interim],
      rungPlaylist: [200, kept],
      render: [200, kept],
      renderRange: [206, kept],
      renderHeld: [304, kept],
      renderHead: [200, kept],
    });
  });

  it('says must-revalidate on an older revision’s redirect too', async () => {
    const asset = await readyPrivateAsset();
    await setAssetShape(harness, asset.id, {});
    const moved = await requestAsSent(`${linkBase(asset)}/img/1/w_64,f_webp`);
    expect([moved.status, moved.headers.get('cache-control')]).toEqual([301, privateCacheControl(60)]);
    expect(moved.headers.get('location')).toMatch(/\/img\/2\/w_64,f_webp$/);
  });
});
