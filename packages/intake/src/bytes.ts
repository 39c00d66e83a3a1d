import { assetKindOf, contentMatchesDeclared, SNIFF_BYTES, sniffContentType } from '@darkroom/core/content-types';
import { ERRORS } from '@darkroom/core/error-factories';
import { AUDIO_HEAD_BYTES } from '@darkroom/media';

/**
 * What an original's first bytes must show before it is confirmed: the checks an upload's copy and
 * an imported file pass alike, on bytes already read (the caller's one ranged GET, or the head of
 * the stream it brings).
 */

/** How many first bytes the checks read: audio a little more (a WAV's chunk sizes, for its probe). */
export function headLengthOf(contentType: string): number {
  return assetKindOf(contentType) === 'audio' ? AUDIO_HEAD_BYTES : SNIFF_BYTES;
}

/** An upload's copy: the size and type its start declared (`size_mismatch`, `content_mismatch`). */
export function checkDeclared(declared: { size: number; contentType: string }, start: { size: number; bytes: Uint8Array }): void {
  if (start.size !== declared.size) {
    throw ERRORS.sizeMismatch(declared.size, start.size);
  }
  const detected = sniffContentType(start.bytes);
  if (!contentMatchesDeclared(declared.contentType, detected)) {
    throw ERRORS.contentMismatch(declared.contentType, detected);
  }
}

/** What a tenant takes: the types it accepts and its size limit (an upload's, an import's). */
export interface IntakeLimits {
  maxBytes: number;
  accepted: readonly string[];
}

/**
 * A file that declared nothing (an imported one): the type its first bytes prove (none known:
 * `unsupported_media_type`; one the tenant does not take, likewise; no bytes at all: `empty_file`),
 * and a size within the tenant's limit where it is known already (null: learnt by streaming).
 */
export function typeOfHead(head: Uint8Array, size: number | null, limits: IntakeLimits): string {
  if (head.length === 0) throw ERRORS.emptyFile();
  const contentType = sniffContentType(head);
  if (!contentType) throw ERRORS.unknownMediaType();
  if (!limits.accepted.includes(contentType)) throw ERRORS.typeNotAccepted(contentType, limits.accepted);
  if (size !== null && size > limits.maxBytes) throw ERRORS.fileTooLarge(size, limits.maxBytes);
  return contentType;
}
