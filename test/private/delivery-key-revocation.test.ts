import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { privateExpiry } from '@darkroom/core/private-links';
import { signPrivateLink } from '@darkroom/core/delivery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagePath, spawnDelivery, type SpawnedDelivery } from '../support/delivery.js';
import { fixture } from '../support/images.js';
import { currentDeliveryKey } from '../support/private-urls.js';
import { answersWithin, freePort } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * `POST /v1/delivery-key` as every delivery process sees it (docs/delivery.md#revocation), on two
 * processes of their own: a key just made verifies within a second in each, the key it replaced
 * still does, and once revoked every URL signed with it, a private link or an `/img/` signature, is
 * refused by each within five seconds (`403 forbidden`, never kept).
 */
const NEW_KEY_MS = 1_000;
const REVOKED_MS = 5_000;

const harness = setupHarness();
const t = setupTenant(harness, 'delivery-key-revocation');
let photo: Asset;
let secret: Asset;
const processes: SpawnedDelivery[] = [];

async function readyAsset(visibility: 'public' | 'private'): Promise<Asset> {
  const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  const { asset } = await t.client.uploadAndComplete(jpeg, { filename: 'k.jpg', contentType: 'image/jpeg', visibility });
  const ready = await t.client.waitForAsset(asset.id);
  expect(ready).toMatchObject({ status: 'ready', visibility });
  return ready;
}

beforeAll(async () => {
  [photo, secret] = await Promise.all([readyAsset('public'), readyAsset('private')]);
  const spawning = [spawnDelivery(harness, await freePort()), spawnDelivery(harness, await freePort())];
  // Both closed after the file, even when only one of them started.
  for (const started of spawning) started.then((spawned) => processes.push(spawned)).catch(() => {});
  await Promise.all(spawning);
}, 120_000);
afterAll(async () => {
  for (const spawned of processes) await spawned.close();
});

/** A URL of each kind signed with `key`, on one process: a private link to a variant, and `/img/` options outside the policy. */
function signedUrls(baseUrl: string, key: string): string[] {
  const exp = privateExpiry(Math.floor(Date.now() / 1000), 3600);
  const rest = secret.variants[0]!.url.split(`/${secret.id}/`)[1]!;
  return [
    `${baseUrl}/p/${exp}/${signPrivateLink(key, exp, secret.id)}/${secret.id}/${rest}`,
    `${baseUrl}${imagePath(photo.id, 1, 'w_123,f_webp', key)}`,
  ];
}

/** `200`, or a refusal's status, code and Cache-Control. */
async function answerTo(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status === 200) {
    await res.arrayBuffer();
    return '200';
  }
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return `${res.status} ${body.error?.code} ${res.headers.get('cache-control')}`;
}

const everyProcessUrls = (key: string) => processes.flatMap((p) => signedUrls(p.baseUrl, key));

/** Every URL signed with `key`, on every process, answered `wanted` within `withinMs` of `since`: how long the slowest took. */
async function everyProcessAnswers(key: string, wanted: string, withinMs: number, since: number): Promise<number> {
  const took = await Promise.all(everyProcessUrls(key).map((url) => answersWithin(url, () => answerTo(url), wanted, withinMs, since)));
  return Math.max(...took);
}

/** What every process answers now to every URL signed with `key`. */
const everyProcessAnswersNow = async (key: string) => new Set(await Promise.all(everyProcessUrls(key).map(answerTo)));

describe('delivery keys in every delivery process', () => {
  let replaced: string;
  let fresh: string;

  it('verifies a key just made within a second, and the key it replaced meanwhile', async () => {
    expect(processes).toHaveLength(2);
    replaced = await currentDeliveryKey(harness, t.tenantId);
    // Each process has the tenant and its key cached: what a new key must get past.
    expect(await everyProcessAnswersNow(replaced)).toEqual(new Set(['200']));
    const made = await t.client.raw('POST', '/v1/delivery-key', {});
    const since = Date.now();
    expect(made.status).toBe(200);
    fresh = made.body.key as string;
    expect(await everyProcessAnswers(fresh, '200', NEW_KEY_MS, since)).toBeLessThanOrEqual(NEW_KEY_MS);
    expect(await everyProcessAnswersNow(replaced)).toEqual(new Set(['200']));
  });

  it('refuses a key revoked within five seconds, 403 forbidden no-store, and verifies the new one within a second', async () => {
    const revoking = await t.client.raw('POST', '/v1/delivery-key', { revokePrevious: true });
    const since = Date.now();
    expect(revoking.status).toBe(200);
    const next = revoking.body.key as string;
    const refused = '403 forbidden no-store';
    const [nextTook, revokedTook, replacedTook] = await Promise.all([
      everyProcessAnswers(next, '200', NEW_KEY_MS, since),
      everyProcessAnswers(fresh, refused, REVOKED_MS, since),
      everyProcessAnswers(replaced, refused, REVOKED_MS, since),
    ]);
    expect(nextTook).toBeLessThanOrEqual(NEW_KEY_MS);
    expect(Math.max(revokedTook, replacedTook)).toBeLessThanOrEqual(REVOKED_MS);
  });
});
