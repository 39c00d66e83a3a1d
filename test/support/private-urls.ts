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
 * of five minutes, shown as `urlsExpireAt`), a signature that verifies under `key`, the asset's own id.
 * Returns `exp`.
 */
export function expectPrivateUrls(asset: Asset, key: string, deliveryBaseUrl: string): number {
  const urls = urlsOf(asset);
  expect(urls.length).toBeGreaterThan(asset.variants.length);
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
  expect(asset.delivery?.base).toMatch(new RegExp(`/p/${exp}/[A-Za-z0-9_-]{22}/${asset.id}/img/${asset.revision}$`));
  return exp;
}
