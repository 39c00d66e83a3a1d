import { deliveryAssetPrefix, variantFilesPrefix, variantObjectKeys, variantPrefix } from '@darkroom/core/keys';
import type { Visibility } from '@darkroom/core/private-links';
import { listVariantsByAsset } from '@darkroom/db/queries/variants';
import { assetObjectLocation, encodeObjectKey, type ObjectLocation } from '@darkroom/storage';
import { expect } from 'vitest';
import type { Harness } from './harness.js';

/**
 * Where an asset's objects are, seen from outside: listed in each place, and fetched as anybody on
 * the internet would fetch them. Keys are named as Postgres names them (the public ones), whichever
 * place holds them.
 */
export interface AssetRef {
  id: string;
  tenantId: string;
}

const buckets = (harness: Harness) => harness.api.config.storage;

/** Both prefixes an asset's objects live under: its variants and delivery's renders. */
export const assetPrefixes = (asset: AssetRef) => [variantPrefix(asset.tenantId, asset.id), deliveryAssetPrefix(asset.tenantId, asset.id)];

/** The keys of every object under `prefix` in the place `visibility` names. */
export async function keysIn(harness: Harness, visibility: Visibility, prefix: string): Promise<string[]> {
  const place = assetObjectLocation(buckets(harness), visibility, prefix);
  const keys: string[] = [];
  for await (const object of harness.api.storage.listObjects({ bucket: place.bucket, prefix: place.key })) {
    keys.push(`${prefix}${object.key.slice(place.key.length)}`);
  }
  return keys.sort();
}

/** The keys of every object of the asset (variants and renders) in one place. */
export async function assetKeysIn(harness: Harness, visibility: Visibility, asset: AssetRef): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of assetPrefixes(asset)) keys.push(...(await keysIn(harness, visibility, prefix)));
  return keys;
}

/** An anonymous GET of an object (no credentials, straight at the bucket): its status. */
export async function anonymousStatus(harness: Harness, location: ObjectLocation): Promise<number> {
  const res = await fetch(`${buckets(harness).endpoint}/${location.bucket}/${encodeObjectKey(location.key)}`);
  await res.arrayBuffer();
  return res.status;
}

/** The files a playlist names (lines that are not tags, and `URI="…"` attributes), as keys beside it. */
function namedByPlaylist(key: string, text: string): string[] {
  const dir = key.slice(0, key.lastIndexOf('/') + 1);
  const lines = text.split('\n').map((line) => line.trim());
  const uris = lines.filter((line) => line && !line.startsWith('#'));
  for (const line of lines) for (const match of line.matchAll(/URI="([^"]+)"/g)) uris.push(match[1]!);
  return uris.map((uri) => `${dir}${uri}`);
}

/** Every file of an HLS ladder, read from where its objects are: the master, each rung's playlist, their init and media segments. */
async function ladderKeys(harness: Harness, visibility: Visibility, master: string): Promise<string[]> {
  const keys = new Set<string>();
  const toRead = [master];
  while (toRead.length > 0) {
    const key = toRead.pop()!;
    keys.add(key);
    if (!key.endsWith('.m3u8')) continue;
    const text = (await harness.api.storage.getBytes(assetObjectLocation(buckets(harness), visibility, key))).toString('utf8');
    for (const named of namedByPlaylist(key, text)) if (!keys.has(named)) toRead.push(named);
  }
  return [...keys];
}

/** Every object the asset's variant rows stand for: each variant's object(s), and every file of each HLS ladder. */
export async function expectedObjectKeys(harness: Harness, visibility: Visibility, asset: AssetRef): Promise<string[]> {
  const variants = (await listVariantsByAsset(harness.api.db, { assetIds: [asset.id] })).get(asset.id) ?? [];
  expect(variants.length).toBeGreaterThan(0);
  const keys: string[] = [];
  for (const { key } of variants) {
    keys.push(...(variantFilesPrefix(key) ? await ladderKeys(harness, visibility, key) : variantObjectKeys(key)));
  }
  return keys.sort();
}

/**
 * The check for a private asset: nothing of it in the public place; every object its rows
 * name (and `extra`, such as delivery's renders) in the private place; and every object there
 * refused to an anonymous GET, as is its public-place key. Returns the keys checked.
 */
export async function expectNoAnonymousReads(harness: Harness, asset: AssetRef, extra: readonly string[] = []): Promise<string[]> {
  const { bucket, publicBucket } = buckets(harness);
  for (const prefix of assetPrefixes(asset)) {
    const listed: string[] = [];
    for await (const object of harness.api.storage.listObjects({ bucket: publicBucket, prefix })) listed.push(object.key);
    expect(listed, `${publicBucket}/${prefix}`).toEqual([]);
  }
  const held = await assetKeysIn(harness, 'private', asset);
  const expected = [...(await expectedObjectKeys(harness, 'private', asset)), ...extra];
  expect(held).toEqual(expect.arrayContaining(expected));
  for (const key of held) {
    const place = assetObjectLocation(buckets(harness), 'private', key);
    expect(place.bucket).toBe(bucket);
    expect(await anonymousStatus(harness, place), `anonymous GET of ${place.bucket}/${place.key}`).toBe(403);
    expect(await anonymousStatus(harness, assetObjectLocation(buckets(harness), 'public', key)), `anonymous GET of ${key}`).not.toBe(200);
  }
  return held;
}

/** A public asset's variant objects, each read anonymously (200): the check above can fail. */
export async function expectAnonymousReads(harness: Harness, asset: AssetRef): Promise<string[]> {
  const keys = await expectedObjectKeys(harness, 'public', asset);
  expect(await keysIn(harness, 'private', variantPrefix(asset.tenantId, asset.id))).toEqual([]);
  for (const key of keys) expect(await anonymousStatus(harness, assetObjectLocation(buckets(harness), 'public', key)), key).toBe(200);
  return keys;
}
