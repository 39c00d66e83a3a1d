import { request } from 'node:http';
import type { Asset } from '@darkroom/client';
import { PRIVATE_EXPIRY_STEP_SECONDS } from '@darkroom/core/private-links';
import { signPrivateLink } from '@darkroom/core/delivery';
import { tenants } from '@darkroom/db/schema';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Harness } from './harness.js';

/** Every URL an Asset carries: its variants' and its delivery markup's (each srcset entry's). */
export function urlsOf(asset: Asset): string[] {
  const d = asset.delivery;
  const sets = d ? [d.srcset, ...d.sources.map((s) => s.srcset)] : [];
  const markup = d ? [d.base, d.src, ...sets.flatMap((set) => set.split(', ').map((entry) => entry.split(' ')[0]!))] : [];
  return [...asset.variants.map((v) => v.url), ...markup];
}

/** The tenant's current delivery key, as the API signs with it (POST /v1/delivery-key would rotate it). */
export async function currentDeliveryKey(harness: Harness, tenantId: string): Promise<string> {
  const [row] = await harness.api.db.select().from(tenants).where(eq(tenants.id, tenantId));
  if (!row?.deliveryKeySealed) throw new Error('the tenant has no delivery key');
  return harness.api.secretBox.open(row.deliveryKeySealed, tenantId);
}

/**
 * Checks every URL of a ready private Asset: under `{DELIVERY_BASE_URL}/p/`, one `exp` (a multiple
 * of five minutes, shown as `urlsExpireAt`), a signature that verifies under `key`, the asset's own id;
 * its markup's too, which every kind but audio has.
 * Returns `exp`.
 */
export function expectPrivateUrls(asset: Asset, key: string, deliveryBaseUrl: string): number {
  const urls = urlsOf(asset);
  // Markup is an image's or a video's (its poster); audio has none (docs/api.md).
  const markup = asset.kind !== 'audio';
  if (markup) expect(urls.length).toBeGreaterThan(asset.variants.length);
  else expect(asset.delivery).toBeNull();
  const tokens = new Set<string>();
  for (const url of urls) {
    expect(url.startsWith(`${deliveryBaseUrl}/p/`), url).toBe(true);
    const [exp, sig, id] = url.slice(`${deliveryBaseUrl}/p/`.length).split('/');
    expect(id).toBe(asset.id);
    expect(sig).toBe(signPrivateLink(key, Number(exp), asset.id));
    tokens.add(`${exp}/${sig}`);
  }
  expect(tokens.size).toBe(1);
  const exp = Number([...tokens][0]!.split('/')[0]);
  expect(exp % PRIVATE_EXPIRY_STEP_SECONDS).toBe(0);
  expect(asset.urlsExpireAt).toBe(new Date(exp * 1000).toISOString());
  if (markup) expect(asset.delivery?.base).toMatch(new RegExp(`/p/${exp}/[A-Za-z0-9_-]{22}/${asset.id}/img/${asset.revision}$`));
  return exp;
}

/**
 * What a page asked for beyond its own origin (`pageOrigin`; a page's document, scripts and styles,
 * and its own `blob:` URLs, as a Media Source Extensions player's):
 * every request is under `{deliveryBaseUrl}/p/` and none goes to the bucket's endpoint or a CDN of
 * it. Returns the private requests' paths, after `/p/{exp}/{sig}/{assetId}/`.
 */
export function expectOnlyPrivateRequests(
  urls: readonly string[],
  where: { pageOrigin: string; deliveryBaseUrl: string; storage: { endpoint: string; cdnBaseUrl?: string | undefined } },
): string[] {
  const buckets = [where.storage.endpoint, where.storage.cdnBaseUrl].filter((u): u is string => !!u).map((u) => new URL(u).origin);
  const own = [`${where.pageOrigin}/`, `blob:${where.pageOrigin}/`, 'data:'];
  const outside = urls.filter((url) => !own.some((prefix) => url.startsWith(prefix)));
  expect(
    outside.filter((url) => buckets.includes(new URL(url).origin)),
    'requests to the bucket',
  ).toEqual([]);
  expect(
    outside.filter((url) => !url.startsWith(`${where.deliveryBaseUrl}/p/`)),
    'requests outside /p/',
  ).toEqual([]);
  return outside.map((url) => url.slice(`${where.deliveryBaseUrl}/p/`.length).split('/').slice(3).join('/'));
}

/** A private link's answer's Cache-Control (docs/delivery.md#answers): kept `max-age` at most, revalidated once past it. */
export const PRIVATE_CACHE_CONTROL = /^public, max-age=(\d+), must-revalidate$/;
export const privateCacheControl = (maxAge: number) => `public, max-age=${maxAge}, must-revalidate`;

export interface SentAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** One request with its path sent exactly as written (no `..` resolved, no encoding changed, as fetch would). */
export function requestAsSent(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<SentAnswer> {
  const origin = /^http:\/\/[^/]+/.exec(url)?.[0];
  if (!origin) throw new Error(`not an http URL: ${url}`);
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: url.slice(origin.length), method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const answered = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') answered.set(name, value);
        resolve({ status: res.statusCode!, headers: answered, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Headers a HEAD answers as its GET does (Cache-Control apart: a private answer's max-age counts down). */
const SAME_ON_HEAD = ['content-type', 'content-length', 'etag', 'accept-ranges', 'vary', 'last-modified'];

/**
 * The contract's answers to `Range` (RFC 9110) at `url`: one range, of each form, `206` with its bytes
 * and `Content-Range`; one past the end `416`, its `Content-Range` naming the size alone, never kept;
 * several, reversed or malformed, the whole with `200`; a range with an `If-Range` answered only of
 * the object its strong ETag names, the whole for another object's ETag, a weak one or a date (even
 * past the end); and HEAD, ranged or not, the GET's headers without a body.
 * Returns the whole answer.
 */
export async function expectRangesAnswered(url: string): Promise<SentAnswer> {
  const whole = await requestAsSent(url);
  const size = whole.body.length;
  expect([whole.status, whole.headers.get('accept-ranges'), whole.headers.get('content-length')]).toEqual([200, 'bytes', String(size)]);
  for (const [range, start, end] of [
    ['bytes=0-9', 0, 9],
    ['bytes=-5', size - 5, size - 1],
    [`bytes=${size - 3}-`, size - 3, size - 1],
    [`bytes=2-${size + 100}`, 2, size - 1],
  ] as const) {
    const part = await requestAsSent(url, { range });
    expect([part.status, part.headers.get('content-range'), part.headers.get('content-length')], range).toEqual([
      206,
      `bytes ${start}-${end}/${size}`,
      String(end - start + 1),
    ]);
    expect(part.body.equals(whole.body.subarray(start, end + 1)), range).toBe(true);
  }
  const past = await requestAsSent(url, { range: `bytes=${size}-` });
  expect([past.status, past.headers.get('content-range'), past.headers.get('cache-control'), past.body.length]).toEqual([
    416,
    `bytes */${size}`,
    'no-store',
    0,
  ]);
  for (const ignored of ['bytes=0-1,4-5', 'bytes=9-2', 'bytes=x-y', 'items=0-9']) {
    const res = await requestAsSent(url, { range: ignored });
    expect([res.status, res.headers.get('content-range'), res.body.equals(whole.body)], ignored).toEqual([200, null, true]);
  }
  await expectIfRangeAnswered(url, whole);
  const policy = (answer: SentAnswer) => answer.headers.get('cache-control')?.replace(/max-age=\d+/, 'max-age');
  for (const [range, status] of [
    [undefined, 200],
    ['bytes=0-9', 206],
  ] as const) {
    const head = await requestAsSent(url, range ? { range } : {}, 'HEAD');
    expect([head.status, head.body.length, policy(head)], range).toEqual([status, 0, policy(whole)]);
    const expected = SAME_ON_HEAD.map((name) => (name === 'content-length' && range ? '10' : whole.headers.get(name)));
    expect(
      SAME_ON_HEAD.map((name) => head.headers.get(name)),
      range,
    ).toEqual(expected);
  }
  return whole;
}

/** `If-Range` at `url`, whose whole answer is `whole`: GET and HEAD alike. */
async function expectIfRangeAnswered(url: string, whole: SentAnswer): Promise<void> {
  const size = whole.body.length;
  const etag = whole.headers.get('etag')!;
  expect(etag).toMatch(/^"/);
  for (const method of ['GET', 'HEAD']) {
    const resumed = await requestAsSent(url, { range: 'bytes=2-9', 'if-range': etag }, method);
    expect([resumed.status, resumed.headers.get('content-range')], method).toEqual([206, `bytes 2-9/${size}`]);
    if (method === 'GET') expect(resumed.body.equals(whole.body.subarray(2, 10))).toBe(true);
    const date = whole.headers.get('last-modified') ?? new Date().toUTCString();
    for (const [ifRange, range] of [
      ['"another"', 'bytes=2-9'],
      [`W/${etag}`, 'bytes=2-9'],
      [date, 'bytes=2-9'],
      ['"another"', `bytes=${size}-`],
    ] as const) {
      const res = await requestAsSent(url, { range, 'if-range': ifRange }, method);
      const what = `${method} ${range} If-Range: ${ifRange}`;
      expect([res.status, res.headers.get('content-range'), res.headers.get('content-length'), res.headers.get('etag')], what).toEqual([
        200,
        null,
        String(size),
        etag,
      ]);
      if (method === 'GET') expect(res.body.equals(whole.body), what).toBe(true);
    }
  }
}
