import { deliveryRenderKey, originalKey } from '@darkroom/core/keys';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImage, imagePath, newDeliveryKey, setDeliverySettings, startDelivery, type DeliveryServer } from '../support/delivery.js';
import { fixture } from '../support/images.js';
import { objectState } from '../support/objects.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/** Parse → render → store → serve, through the real API, worker, bucket, Postgres and Redis. */
const harness = setupHarness();
let delivery: DeliveryServer;
const tenant = setupTenant(harness, 'delivery-serve');
let photo: any;
let key: string;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const BROWSER = 'image/avif,image/webp,image/apng,image/*,*/*;q=0.8';

async function metric(server: DeliveryServer, name: string): Promise<number> {
  const text = await server.deps.metrics.registry.getSingleMetricAsString(name.replace(/\{.*$/, ''));
  const line = text.split('\n').find((l) => l.startsWith(name.includes('{') ? name : `${name} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Every key `server` reads from the bucket from now on, in order. */
function keysRead(server: DeliveryServer): string[] {
  const read: string[] = [];
  const getStream = server.deps.storage.getStream.bind(server.deps.storage);
  server.deps.storage.getStream = (location) => {
    read.push(location.key);
    return getStream(location);
  };
  // A stored render is read with its metadata (a q_auto render's quality).
  const openObject = server.deps.storage.openObject.bind(server.deps.storage);
  server.deps.storage.openObject = (options) => {
    read.push(options.key);
    return openObject(options);
  };
  return read;
}

beforeAll(async () => {
  delivery = await startDelivery(harness);
  key = newDeliveryKey();
  await setDeliverySettings(harness, tenant.tenantId, { key });
  const { asset } = await tenant.client.uploadFile(fixture('jolla.jpg'), 'image/jpeg');
  photo = await tenant.client.waitForAsset(asset.id);
  expect(photo.status).toBe('ready');
});
afterAll(() => delivery?.close());

describe('GET /img/{id}/{revision}/{options}', () => {
  it('renders once, stores the render in the public bucket, then serves it with no render', async () => {
    const url = `${delivery.baseUrl}${imagePath(photo.id, 1, 'w_640,f_webp')}`;
    const rendersBefore = await metric(delivery, 'darkroom_delivery_renders_total');
    const first = await getImage(url);
    expect(first.status).toBe(200);
    expect(first.meta).toMatchObject({ format: 'webp', width: 640, height: Math.round((640 * photo.height) / photo.width) });
    expect(Object.fromEntries(first.headers)).toMatchObject({
      'content-type': 'image/webp',
      'cache-control': IMMUTABLE,
      'content-length': String(first.data.length),
    });
    expect(first.headers.get('etag')).toMatch(/^"[\w-]{27}"$/);
    expect(first.headers.get('vary')).toBeNull(); // f_webp: the format was not negotiated
    expect(await metric(delivery, 'darkroom_delivery_renders_total')).toBe(rendersBefore + 1);

    const key = deliveryRenderKey(tenant.tenantId, photo.id, 1, `w_640,h_${first.meta!.height},q_75`, 'webp');
    await Promise.all(delivery.deps.background); // the answer does not wait for the PUT
    expect(await objectState(harness.api.storage, { bucket: harness.api.config.storage.publicBucket, key })).toBe('present');

    // The same transform with a default stated, in another order: the same stored object.
    const again = await getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, 'f_webp,q_75,c_inside,g_auto,w_640')}`);
    expect([again.status, again.headers.get('etag')]).toEqual([200, first.headers.get('etag')]);
    expect(again.data.equals(first.data)).toBe(true);
    expect(await metric(delivery, 'darkroom_delivery_renders_total')).toBe(rendersBefore + 1);
  });

  it('serves a render another process stored, from the bucket, rendering nothing and reading no original', async () => {
    const url = imagePath(photo.id, 1, 'w_384,f_jpeg');
    const first = await getImage(`${delivery.baseUrl}${url}`);
    const other = await startDelivery(harness);
    const read = keysRead(other);
    try {
      const hit = await getImage(`${other.baseUrl}${url}`);
      expect([hit.status, hit.headers.get('etag'), hit.data.equals(first.data)]).toEqual([200, first.headers.get('etag'), true]);
      expect(await metric(other, 'darkroom_delivery_renders_total')).toBe(0);
      expect(await metric(other, 'darkroom_delivery_requests_total{result="hit"}')).toBe(1);
      // Marked stored in Redis: the bucket's copy was read, the original never, and every render slot is free.
      expect(read).toHaveLength(1);
      expect(read).not.toContain(originalKey(tenant.tenantId, photo.id));
      expect(other.deps.gate.idleSlots()).toBe(other.deps.config.render.concurrency);
    } finally {
      await other.close();
    }
  });

  it('serves a stored render Redis has lost the mark of, drops the original it began reading, and marks it again', async () => {
    const url = imagePath(photo.id, 1, 'w_256,f_jpeg');
    const first = await getImage(`${delivery.baseUrl}${url}`);
    await Promise.all(delivery.deps.background);
    const marks = await delivery.deps.redis.keys(`${harness.prefix}:delivery:lock:*${photo.id}*w_256,*`);
    expect(marks).toHaveLength(1);
    await delivery.deps.redis.del(marks[0]!);
    const other = await startDelivery(harness);
    const read = keysRead(other);
    try {
      const hit = await getImage(`${other.baseUrl}${url}`);
      expect([hit.status, hit.headers.get('etag')]).toEqual([200, first.headers.get('etag')]);
      expect(await metric(other, 'darkroom_delivery_renders_total')).toBe(0);
      // Unmarked, it looked like a miss: the original's read began beside the bucket's answer, was
      // dropped when the bucket had the render, and its render slot was given back.
      expect(read).toContain(originalKey(tenant.tenantId, photo.id));
      const slots = other.deps.config.render.concurrency;
      await waitFor('the early read to give its slot back', async () => other.deps.gate.idleSlots() === slots, 10_000, 20);
      await waitFor('the render to be marked stored again', async () => (await other.deps.redis.get(marks[0]!)) === 'stored', 10_000, 20);
    } finally {
      await other.close();
    }
  });

  it("renders a srcset's other widths from the original read once, while it is recent", async () => {
    const other = await startDelivery(harness);
    const read = keysRead(other);
    try {
      // Widths the default policy serves unsigned, none of them rendered by another test.
      for (const width of [256, 384, 750]) {
        const answer = await getImage(`${other.baseUrl}${imagePath(photo.id, 1, `w_${width},f_webp`)}`);
        expect([answer.status, answer.meta?.width]).toEqual([200, Math.min(width, photo.width!)]);
      }
      expect(await metric(other, 'darkroom_delivery_renders_total')).toBe(3);
      expect(read.filter((key) => key === originalKey(tenant.tenantId, photo.id))).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('answers HEAD with the same headers and no body', async () => {
    const url = `${delivery.baseUrl}${imagePath(photo.id, 1, 'w_640,f_webp')}`;
    const get = await getImage(url);
    const head = await getImage(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.data.length).toBe(0);
    for (const name of ['content-type', 'cache-control', 'etag', 'content-length']) expect(head.headers.get(name)).toBe(get.headers.get(name));
  });

  it('negotiates f_auto from Accept, with Vary: Accept', async () => {
    const webp = await getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, 'w_256')}`, { accept: 'image/webp,*/*' });
    expect([webp.status, webp.meta?.format, webp.headers.get('vary')]).toEqual([200, 'webp', 'Accept']);
    const jpeg = await getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, 'w_256')}`, { accept: '*/*' });
    expect([jpeg.status, jpeg.meta?.format, jpeg.headers.get('vary')]).toEqual([200, 'jpeg', 'Accept']);
    const browser = await getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, 'w_256')}`, { accept: BROWSER });
    expect(browser.status).toBe(200);
    expect(browser.headers.get('vary')).toBe('Accept');
    expect(await sharp(browser.data).metadata()).toMatchObject({ width: 256 });
  });

  it('applies each option: w, h, c, q, f and dpr', async () => {
    const signed = (options: string, accept?: string) =>
      getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, options, key)}`, accept ? { accept } : {});
    expect((await signed('h_480,f_webp')).meta).toMatchObject({ width: 640, height: 480 });
    expect((await signed('w_500,h_500,f_webp')).meta).toMatchObject({ width: 500, height: 375 }); // c_inside: within the box
    expect((await signed('w_640,h_360,c_cover,f_webp')).meta).toMatchObject({ width: 640, height: 360 });
    expect((await signed('w_320,dpr_2,f_webp')).meta).toMatchObject({ width: 640, height: 480 });
    expect((await signed('w_320,dpr_1.5,f_webp')).meta).toMatchObject({ width: 480, height: 360 });
    const [low, high] = [await signed('w_640,q_20,f_jpeg'), await signed('w_640,q_95,f_jpeg')];
    expect(low.data.length).toBeLessThan(high.data.length / 2);
    for (const [format, type, metaFormat] of [
      ['avif', 'image/avif', 'heif'],
      ['webp', 'image/webp', 'webp'],
      ['jpeg', 'image/jpeg', 'jpeg'],
      ['png', 'image/png', 'png'],
    ] as const) {
      const res = await signed(`w_128,f_${format}`, BROWSER);
      expect([res.status, res.headers.get('content-type'), res.meta?.format, res.headers.get('vary')]).toEqual([200, type, metaFormat, null]);
    }
  });

  it('never upscales: a box larger than the original answers the original size', async () => {
    const signed = (options: string) => getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, options, key)}`);
    expect((await signed('w_8192,f_webp')).meta).toMatchObject({ width: 3264, height: 2448 });
    expect((await getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, 'w_3840')}`)).meta).toMatchObject({ width: 3264, height: 2448 });
    expect((await signed('w_4000,h_4000,c_cover,f_webp')).meta).toMatchObject({ width: 2448, height: 2448 });
    // The same render: w_8192 and w_3840 are both the original's size, stored once.
    expect((await signed('w_8192,f_jpeg')).headers.get('etag')).toBe(
      (await getImage(`${delivery.baseUrl}${imagePath(photo.id, 1, 'w_3840')}`)).headers.get('etag'),
    );
  });

  it('answers 304 to a request that names the ETag it holds', async () => {
    const url = `${delivery.baseUrl}${imagePath(photo.id, 1, 'w_128,f_webp', key)}`;
    const first = await getImage(url);
    const again = await getImage(url, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect([again.status, again.data.length, again.headers.get('etag'), again.headers.get('cache-control')]).toEqual([
      304,
      0,
      first.headers.get('etag'),
      IMMUTABLE,
    ]);
    // If-None-Match as RFC 9110 compares it: weakly, over a list (a cache holding one render per
    // Accept revalidates with all of their tags), and `*` for any render.
    for (const validator of [`W/${first.headers.get('etag')}`, `"another", ${first.headers.get('etag')}`, '*']) {
      const held = await getImage(url, { headers: { 'if-none-match': validator } });
      expect([held.status, held.data.length, held.headers.get('etag')], validator).toEqual([304, 0, first.headers.get('etag')]);
    }
    expect((await getImage(url, { headers: { 'if-none-match': '"another", W/"other"' } })).status).toBe(200);
  });

  it('answers a render whose PUT fails, logs it, and renders it again on the next request', async () => {
    const server = await startDelivery(harness);
    try {
      const lines: string[] = [];
      server.deps.log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
      const { putObject } = server.deps.storage;
      let refusals = 1;
      server.deps.storage.putObject = (options) => (refusals-- > 0 ? Promise.reject(new Error('the bucket refused the PUT')) : putObject(options));
      const path = imagePath(photo.id, 1, 'w_96,f_webp'); // rendered by no other test
      const first = await getImage(`${server.baseUrl}${path}`);
      await Promise.all(server.deps.background);
      expect([first.status, first.meta?.width]).toEqual([200, 96]);
      const key = deliveryRenderKey(tenant.tenantId, photo.id, 1, `w_96,h_${first.meta!.height},q_75`, 'webp');
      expect(lines.map((line) => JSON.parse(line).msg)).toContain('a render could not be stored: it is rendered again when next asked for');
      const location = { bucket: harness.api.config.storage.publicBucket, key };
      expect(await objectState(harness.api.storage, location)).toBe('absent');

      const again = await getImage(`${server.baseUrl}${path}`);
      await Promise.all(server.deps.background);
      expect([again.status, again.headers.get('etag'), await metric(server, 'darkroom_delivery_renders_total')]).toEqual([
        200,
        first.headers.get('etag'),
        2,
      ]);
      expect(await objectState(harness.api.storage, location)).toBe('present');
    } finally {
      await server.close();
    }
  });

  it('reports its metrics at /metrics', async () => {
    const text = await (await fetch(`${delivery.baseUrl}/metrics`)).text();
    for (const name of ['darkroom_delivery_renders_total', 'darkroom_delivery_render_seconds_bucket', 'darkroom_delivery_bytes_out_total'])
      expect(text).toContain(name);
    for (const result of ['hit', 'render', 'redirect', 'refused']) expect(text).toContain(`darkroom_delivery_requests_total{result="${result}"}`);
    for (const kind of ['asset', 'tenant']) expect(text).toContain(`darkroom_delivery_lookups_total{kind="${kind}"}`);
    expect((await fetch(`${delivery.baseUrl}/healthz`)).status).toBe(200);
  });

  it('counts every refused image request as refused, those the router refuses too; other paths not', async () => {
    const refused = () => metric(delivery, 'darkroom_delivery_requests_total{result="refused"}');
    const before = await refused();
    for (const path of [
      imagePath(photo.id, 0, 'w_640'), // a malformed revision: refused by the route
      imagePath(photo.id, 1, `w_640,${'x'.repeat(600)}`), // a segment past the router's length
      `${imagePath(photo.id, 1, 'w_640')}/signature/extra`, // a segment too many
      `/p/1/${'a'.repeat(600)}/x/y`, // a private link's malformed token: refused by its route
    ]) {
      const res = await getImage(`${delivery.baseUrl}${path}`);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
    }
    expect(await refused()).toBe(before + 4);
    expect((await getImage(`${delivery.baseUrl}/favicon.ico`)).status).toBe(404);
    expect(await refused()).toBe(before + 4);
  });
});
