import { open } from 'node:fs/promises';
import { ERRORS } from '@darkroom/core/error-factories';
import { sniffContentType } from '@darkroom/core/content-types';
import type { ImageInput } from './types.js';

/** Enough of a file to see its magic bytes, and an SVG's `<svg` after an XML prolog or a doctype. */
const HEAD_BYTES = 1024;

/** Formats people do send that are not accepted, named in the refusal so they know what to change. */
const NAMED_REFUSALS: { format: string; test: (head: Buffer) => boolean }[] = [
  { format: 'svg', test: (head) => /<svg[\s>/]/i.test(head.toString('latin1')) },
  { format: 'pdf', test: (head) => head.toString('latin1', 0, 5) === '%PDF-' },
];

async function readHead(input: ImageInput): Promise<Buffer> {
  if (typeof input !== 'string') return input.subarray(0, HEAD_BYTES);
  const file = await open(input, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * The first gate, before libvips parses a byte: the file must be non-empty and start with the magic
 * bytes of an accepted format (the ones `complete` sniffs: JPEG, PNG, GIF, WebP, TIFF, AVIF, HEIC/HEIF),
 * and returns the type they prove.
 * SVG, PDF and everything else are refused here, so no loader of theirs ever sees the file; the
 * loaders themselves are blocked too (see `restrictLoaders`), in case a file gets past this.
 */
export async function assertAcceptedSignature(input: ImageInput): Promise<string> {
  const head = await readHead(input);
  // libvips calls an empty file "unsupported image format", which would send people looking for a format problem.
  if (head.length === 0) throw ERRORS.emptyFile();
  const sniffed = sniffContentType(head);
  if (sniffed !== null) return sniffed;
  const named = NAMED_REFUSALS.find((candidate) => candidate.test(head));
  throw named ? ERRORS.formatNotAccepted(named.format) : ERRORS.notAnAcceptedImage();
}
