import { ERRORS } from '@darkroom/core/error-factories';
import { MAX_METADATA_BYTES, MAX_METADATA_DEPTH, S3_MAX_PARTS, MiB } from '@darkroom/core/limits';

/** What an upload start checks of the client's input, before anything is recorded. */

/** Lower-cased, without parameters: `Image/JPEG; charset=x` is `image/jpeg`. */
export function normalizeContentType(value: string): string {
  return value.split(';')[0]!.trim().toLowerCase();
}

/** Client JSON kept on an asset: at most MAX_METADATA_DEPTH levels deep and MAX_METADATA_BYTES as JSON. */
export function checkMetadata(metadata: Record<string, unknown>): void {
  // Checked before anything walks it recursively: JSON.stringify overflows the stack a few thousand levels down.
  if (exceedsDepth(metadata, MAX_METADATA_DEPTH)) {
    throw ERRORS.metadataTooDeep(MAX_METADATA_DEPTH);
  }
  const metadataBytes = Buffer.byteLength(JSON.stringify(metadata));
  if (metadataBytes > MAX_METADATA_BYTES) {
    throw ERRORS.metadataTooLarge(metadataBytes, MAX_METADATA_BYTES);
  }
}

/** Whether a parsed JSON value nests objects or arrays more than `limit` levels deep (walked without recursion). */
export function exceedsDepth(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true;
    level = level.flatMap((node) => (node !== null && typeof node === 'object' ? Object.values(node) : []));
  }
  return false;
}

/** The configured part size, grown in whole MiB when the file would otherwise need more than S3_MAX_PARTS parts. */
export function choosePartSize(size: number, configured: number): number {
  const minimum = Math.ceil(size / S3_MAX_PARTS / MiB) * MiB;
  return Math.max(configured, minimum);
}

/** The length of part `partNumber` (1-based): `partSize`, but the last one holds the rest. */
export function partLength(partNumber: number, partSize: number, size: number): number {
  return Math.max(0, Math.min(partSize, size - (partNumber - 1) * partSize));
}
