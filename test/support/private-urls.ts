import type { Asset } from '@darkroom/client';
import { PRIVATE_EXPIRY_STEP_SECONDS, signPrivateLink } from '@darkroom/core';
import { tenants } from '@darkroom/db';
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
