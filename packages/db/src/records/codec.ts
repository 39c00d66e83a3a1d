import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { z } from 'zod';

/** S3's bound on one object's user metadata: names and values together, in bytes (B2 allows less than 7 KB of headers). */
export const METADATA_LIMIT_BYTES = 2048;
/** Metadata names: an original carries its AssetRecord, each variant object its RenderRecord (and the AssetRecord when both fit). */
export const ASSET_METADATA = 'darkroom-asset';
export const RENDER_METADATA = 'darkroom-render';
/** The value in place of a record that did not fit: it is in the record object beside the original (`assetRecordKey`). */
export const IN_SIDECAR = 'sidecar';

/**
 * Whether an original's metadata describes it: `complete` confirmed it, so it is a live asset's
 * even when the database has no row for it (a restore behind the bucket; `npm run recover`).
 */
export function describesAsset(metadata: Readonly<Record<string, string>>): boolean {
  return metadata[ASSET_METADATA] !== undefined;
}

/** No record unpacks to more than this: a hostile or broken value cannot make recover allocate without bound. */
const MAX_UNPACKED_BYTES = 1 << 20;

/**
 * A record as one metadata value: its JSON, deflated (records repeat their field names, so they
 * shrink about by half) and base64url (header values are ASCII). docs/operations.md#what-the-bucket-keeps-of-each-record
 * gives the sizes measured.
 */
export function packRecord(value: unknown): string {
  return deflateRawSync(Buffer.from(JSON.stringify(value)), { level: 9 }).toString('base64url');
}

/** The record `packed` holds, or null when it is absent or not a valid one (never throws). */
export function unpackRecord<T>(schema: z.ZodType<T>, packed: string | undefined): T | null {
  if (!packed) return null;
  try {
    const json = inflateRawSync(Buffer.from(packed, 'base64url'), { maxOutputLength: MAX_UNPACKED_BYTES }).toString('utf8');
    return parseRecord(schema, json);
  } catch {
    return null;
  }
}

/** A record read as JSON (a sidecar object), or null when it is not a valid one. */
export function parseRecord<T>(schema: z.ZodType<T>, json: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** How S3 counts metadata against its limit: the UTF-8 bytes of each name and value. */
export function metadataBytes(metadata: Readonly<Record<string, string>>): number {
  return Object.entries(metadata).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
}

/** The entries that fit within `limit`, taken in order; an entry that does not fit is named in `left`. */
export function fitMetadata(
  entries: readonly (readonly [string, string])[],
  limit = METADATA_LIMIT_BYTES,
): { metadata: Record<string, string>; left: string[] } {
  const metadata: Record<string, string> = {};
  const left: string[] = [];
  for (const [name, value] of entries) {
    if (metadataBytes({ ...metadata, [name]: value }) <= limit) metadata[name] = value;
    else left.push(name);
  }
  return { metadata, left };
}
