import { variants as variantRows } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, asSinglePut } from '../support/client.js';
import { createTestTenant } from '../support/fixtures.js';
import { fetchVariant } from '../support/images.js';
import { startReceiver, verifyReceipt, type Receiver } from '../support/receiver.js';
import { waitFor } from '../support/services.js';
import { addWebhook, WEBHOOK_TEST_ENV } from '../support/webhooks.js';
import { setupHarness } from '../support/setup-harness.js';

/** Focus and crop (docs/api.md): at upload (tenant key and upload token), PATCH /v1/assets/:id, the worker's renders, asset.delivery. */
const BASE_URL = 'https://img.example.test';
const COLOURS = { tl: [255, 0, 0], tr: [0, 255, 0], bl: [0, 0, 255], br: [255, 255, 0] } as const;
const W = 800;
const H = 600;

const harness = setupHarness({ env: { ...WEBHOOK_TEST_ENV, DELIVERY_BASE_URL: `${BASE_URL}/` } });
let mine: TestApi;
let mineId: string;
let theirs: TestApi;
let receiver: Receiver;
let secret: string;
let png: Uint8Array;

/** An 800×600 PNG in four flat quadrants: red, green / blue, yellow. */
async function quadrants(): Promise<Uint8Array> {
  const data = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = y < H / 2 ? (x < W / 2 ? COLOURS.tl : COLOURS.tr) : x < W / 2 ? COLOURS.bl : COLOURS.br;
      data.set(c, (y * W + x) * 3);
    }
  }
  return new Uint8Array(
    await sharp(data, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

beforeAll(async () => {
  ({ client: mine, tenantId: mineId } = await createTestTenant(harness, 'crop-mine'));
  ({ client: theirs } = await createTestTenant(harness, 'crop-theirs'));
  png = await quadrants();
  receiver = await startReceiver();
  ({ secret } = await addWebhook(mine, receiver.url, { events: ['asset.updated'] }));
});
afterAll(() => receiver?.stop());

/** POST /v1/uploads with `extra` (focus, crop), the bytes to the bucket, complete; the asset once final. */
async function upload(client: TestApi, extra: object = {}) {
  const started = await client.request('POST', '/v1/uploads', { filename: 'q.png', contentType: 'image/png', size: png.byteLength, ...extra });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const { asset } = started.body;
  const target = asSinglePut(started.body.upload);
  expect((await fetch(target.url, { method: 'PUT', headers: target.headers, body: png as Uint8Array<ArrayBuffer> })).ok).toBe(true);
  expect((await client.request('POST', `/v1/uploads/${asset.id}/complete`, {})).status).toBe(202);
  return client.waitForAsset(asset.id);
}

/** The colour at (fx, fy), as fractions of a variant fetched from its public URL. */
async function colourAt(url: string, fx: number, fy: number): Promise<number[]> {
  const { data } = await fetchVariant(url);
  const { data: raw, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (Math.floor(fy * (info.height - 1)) * info.width + Math.floor(fx * (info.width - 1))) * 3;
  return [raw[at]!, raw[at + 1]!, raw[at + 2]!];
}

const near = (actual: number[], expected: readonly number[]) => actual.every((value, i) => Math.abs(value - expected[i]!) <= 24);
const variant = (asset: any, name: string) => asset.variants.find((v: { name: string }) => v.name === name);
const sizes = (asset: any) => Object.fromEntries(asset.variants.map((v: any) => [v.name, `${v.width}x${v.height}`]));

describe('focus and crop at upload', () => {
  it('renders every variant, the placeholder and the markup from a crop sent with the upload', async () => {
    const crop = { x: 400, y: 300, width: 400, height: 300 };
    const ready = await upload(mine, { crop });
    expect(ready).toMatchObject({ status: 'ready', revision: 1, crop, focus: null, width: W, height: H, dominantColor: '#ffff00' });
    expect(sizes(ready)).toEqual({ thumb: '256x256', small: '400x300', medium: '400x300', large: '400x300' });
    for (const [fx, fy] of [
      [0.05, 0.05],
      [0.95, 0.05],
      [0.5, 0.5],
      [0.05, 0.95],
      [0.95, 0.95],
    ]) {
      expect(near(await colourAt(variant(ready, 'large').url, fx!, fy!), COLOURS.br), `${fx},${fy}`).toBe(true);
    }
    // Markup over the policy's widths not above the crop's 400, the src the largest of them, JPEG.
    const base = `${BASE_URL}/img/${ready.id}/1`;
    const widths = [16, 32, 48, 64, 96, 128, 256, 384];
    expect(ready.delivery).toEqual({
      base,
      src: `${base}/w_384,f_jpeg`,
      srcset: widths.map((w) => `${base}/w_${w} ${w}w`).join(', '),
      sources: [
        { type: 'image/avif', srcset: widths.map((w) => `${base}/w_${w},f_avif ${w}w`).join(', ') },
        { type: 'image/webp', srcset: widths.map((w) => `${base}/w_${w},f_webp ${w}w`).join(', ') },
      ],
    });
  });

  it('moves a cover thumb to the focus an upload token sends', async () => {
    const token = await mine.withUploadToken();
    const left = await upload(token, { focus: { x: 0, y: 0.5 } });
    const centred = await upload(mine);
    expect(left.focus).toEqual({ x: 0, y: 0.5 });
    // The thumb is a 600×600 square: from x 0 with the focus at the left edge, from x 100 centred.
    // At 0.6 of its width that is x 360 (red) against x 460 (green).
    expect(near(await colourAt(variant(left, 'thumb').url, 0.6, 0.25), COLOURS.tl)).toBe(true);
    expect(near(await colourAt(variant(centred, 'thumb').url, 0.6, 0.25), COLOURS.tr)).toBe(true);
  });

  it('cuts a crop reaching past the image back to it, and fails one that leaves less than 16×16 with invalid_crop', async () => {
    const past = await upload(mine, { crop: { x: 600, y: 400, width: 400, height: 400 } });
    expect(past).toMatchObject({ status: 'ready', crop: { x: 600, y: 400, width: 200, height: 200 } });
    expect(sizes(past).large).toBe('200x200');
    const outside = await upload(mine, { crop: { x: 790, y: 0, width: 100, height: 100 } });
    expect(outside).toMatchObject({ status: 'failed', error: { code: 'invalid_crop' }, delivery: null });
  });

  it('refuses focus and crop of the wrong shape, or for a video, with 400 invalid_request', async () => {
    const cases: object[] = [
      { crop: { x: 0, y: 0, width: 15, height: 100 } },
      { crop: { x: -1, y: 0, width: 100, height: 100 } },
      { crop: { x: 0.5, y: 0, width: 100, height: 100 } },
      { crop: { x: 0, y: 0, width: 100 } },
      { focus: { x: 1.5, y: 0 } },
      { focus: { x: 0.5 } },
      { focus: 'centre' },
      { contentType: 'video/mp4', crop: { x: 0, y: 0, width: 100, height: 100 } },
      { contentType: 'video/mp4', focus: { x: 0.5, y: 0.5 } },
    ];
    for (const extra of cases) {
      const res = await mine.request('POST', '/v1/uploads', { filename: 'q.png', contentType: 'image/png', size: 100, ...extra });
      expect([res.status, res.body.error?.code], JSON.stringify(extra)).toEqual([400, 'invalid_request']);
    }
  });
});

describe('PATCH /v1/assets/:id', () => {
  it('moves a ready image to the next revision and renders its variants again from the new crop, under new keys', async () => {
    const ready = await upload(mine);
    const before = await harness.api.db.select().from(variantRows).where(eq(variantRows.assetId, ready.id));
    const patched = await mine.request('PATCH', `/v1/assets/${ready.id}`, {
      crop: { x: 0, y: 0, width: 400, height: 300 },
      focus: { x: 0.1, y: 0.1 },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ status: 'ready', revision: 2, crop: { x: 0, y: 0, width: 400, height: 300 }, focus: { x: 0.1, y: 0.1 } });
    expect(patched.body.delivery?.base).toBe(`${BASE_URL}/img/${ready.id}/2`);
    // Served meanwhile: the old variants, until the new ones are recorded.
    const rendered = await waitFor('the variants of revision 2', async () => {
      const res = await mine.request('GET', `/v1/assets/${ready.id}`);
      return variant(res.body, 'large').width === 400 ? res.body : null;
    });
    expect(rendered).toMatchObject({ status: 'ready', revision: 2, dominantColor: '#ff0000' });
    expect(sizes(rendered)).toEqual({ thumb: '256x256', small: '400x300', medium: '400x300', large: '400x300' });
    expect(near(await colourAt(variant(rendered, 'large').url, 0.95, 0.95), COLOURS.tl)).toBe(true);
    const after = await harness.api.db.select().from(variantRows).where(eq(variantRows.assetId, ready.id));
    expect(after.every((v) => v.key.includes(`/${ready.id}/r2/`))).toBe(true);
    expect(after.map((v) => v.key).filter((key) => before.some((b) => b.key === key))).toEqual([]);
    // The old objects are deleted once the new rows are in (as a reprocess does).
    await waitFor(
      'the old variant objects to go',
      async () => (await harness.countVariantObjects(mineId, ready.id)) === new Set(after.map((v) => v.key)).size,
    );
    for (const old of before) expect((await fetchVariant(variant(ready, old.name).url)).status).not.toBe(200);

    // The job ran on the normal lane as a reprocess.
    const jobs = (await mine.request('GET', `/v1/assets/${ready.id}/jobs`)).body.items;
    expect(jobs.map((j: { kind: string; state: string }) => [j.kind, j.state])).toEqual([
      ['reprocess', 'completed'],
      ['process', 'completed'],
    ]);

    // Events and webhooks show what GET shows: the PATCH's update (old variants, revision 2), then the render's.
    const updates = await waitFor('two asset.updated events', async () => {
      const feed = await mine.feed({ assetId: ready.id, type: 'asset.updated' });
      return feed.length >= 2 ? feed : null;
    });
    expect(updates.map((e: any) => e.data.asset.revision)).toEqual([2, 2]);
    expect(updates.at(-1)?.data.asset).toEqual(rendered);
    const delivered = await receiver.until('the webhook of the render', (receipts) =>
      receipts
        .map((r) => verifyReceipt(secret, r))
        .find((body) => body.data.asset.id === ready.id && variant(body.data.asset, 'large').width === 400),
    );
    expect(delivered.data.asset).toEqual(rendered);
  });

  it('renders the last of two quick changes: a render of an older crop never lands over a newer one', async () => {
    const ready = await upload(mine);
    const first = await mine.request('PATCH', `/v1/assets/${ready.id}`, { crop: { x: 0, y: 0, width: 400, height: 300 } });
    // At once: the first change's job is still queued or running.
    const second = await mine.request('PATCH', `/v1/assets/${ready.id}`, { crop: { x: 400, y: 300, width: 400, height: 300 } });
    expect([first.body.revision, second.body.revision]).toEqual([2, 3]);
    const rendered = await waitFor('the variants of revision 3', async () => {
      const res = await mine.request('GET', `/v1/assets/${ready.id}`);
      const urls: string[] = res.body.variants.map((v: { url: string }) => v.url);
      return urls.length > 0 && urls.every((url) => url.includes(`/${ready.id}/r3/`)) ? res.body : null;
    });
    expect(near(await colourAt(variant(rendered, 'large').url, 0.5, 0.5), COLOURS.br)).toBe(true);
    expect(rendered.dominantColor).toBe('#ffff00');
    const jobs = (await mine.request('GET', `/v1/assets/${ready.id}/jobs`)).body.items;
    expect(jobs.every((j: { state: string }) => j.state === 'completed')).toBe(true);
    const keys = new Set(rendered.variants.map((v: { url: string }) => v.url));
    await waitFor('only revision 3 objects', async () => (await harness.countVariantObjects(mineId, ready.id)) === keys.size);
  });

  it('clears a crop with null, keeps what it leaves out, and takes an upload token on its own assets only', async () => {
    const token = await mine.withUploadToken();
    const own = await upload(token, { crop: { x: 0, y: 0, width: 400, height: 300 }, focus: { x: 0.2, y: 0.2 } });
    const cleared = await token.request('PATCH', `/v1/assets/${own.id}`, { crop: null });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body).toMatchObject({ revision: 2, crop: null, focus: { x: 0.2, y: 0.2 } });
    // The same again is no change: no new revision.
    const again = await token.request('PATCH', `/v1/assets/${own.id}`, { focus: { y: 0.2, x: 0.2 }, crop: null });
    expect([again.status, again.body.revision]).toEqual([200, 2]);
    const full = await waitFor('the uncropped variants', async () => {
      const res = await mine.request('GET', `/v1/assets/${own.id}`);
      return variant(res.body, 'large').width === W ? res.body : null;
    });
    expect(full.delivery?.srcset).toContain('/w_750 750w');
    // Another tenant's asset, or one the token did not start: 404, as for no asset at all.
    const others = await upload(mine);
    expect((await token.request('PATCH', `/v1/assets/${others.id}`, { focus: { x: 0, y: 0 } })).status).toBe(404);
    const foreign = await theirs.request('PATCH', `/v1/assets/${others.id}`, { focus: { x: 0, y: 0 } });
    expect([foreign.status, foreign.body.error?.code]).toEqual([404, 'not_found']);
    expect((await theirs.request('PATCH', '/v1/assets/not-a-uuid', { focus: null })).status).toBe(404);
    expect((await mine.request('GET', `/v1/assets/${others.id}`)).body.revision).toBe(1);
  });

  it('refuses a crop out of bounds or under 16×16 (400), a video or an image not ready (409)', async () => {
    const ready = await upload(mine);
    const bad: object[] = [
      { crop: { x: 500, y: 0, width: 400, height: 100 } },
      { crop: { x: 0, y: 550, width: 100, height: 100 } },
      { crop: { x: 0, y: 0, width: 10, height: 10 } },
      { focus: { x: -0.1, y: 0 } },
      { revision: 5 },
    ];
    for (const body of bad) {
      const res = await mine.request('PATCH', `/v1/assets/${ready.id}`, body);
      expect([res.status, res.body.error?.code], JSON.stringify(body)).toEqual([400, 'invalid_request']);
    }
    expect((await mine.request('GET', `/v1/assets/${ready.id}`)).body.revision).toBe(1);

    const waiting = await mine.request('POST', '/v1/uploads', { filename: 'q.png', contentType: 'image/png', size: png.byteLength });
    const notReady = await mine.request('PATCH', `/v1/assets/${waiting.body.asset.id}`, { focus: { x: 0, y: 0 } });
    expect([notReady.status, notReady.body.error?.code]).toEqual([409, 'invalid_state']);
    const video = await mine.request('POST', '/v1/uploads', { filename: 'v.mp4', contentType: 'video/mp4', size: 1000 });
    const refused = await mine.request('PATCH', `/v1/assets/${video.body.asset.id}`, { focus: { x: 0, y: 0 } });
    expect([refused.status, refused.body.error?.code]).toEqual([409, 'invalid_state']);
    expect(video.body.asset).toMatchObject({ revision: 1, focus: null, crop: null, delivery: null });
  });
});
