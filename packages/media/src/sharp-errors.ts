import { BadMediaError, DarkroomError } from '@darkroom/core';

/**
 * sharp reports every failure as a plain Error whose message is libvips's text, so the only way
 * to tell "this file is bad" (fail the asset, never retry) from "this machine is in trouble"
 * (retry) is the message. Anything we don't recognise as bad media is passed through unchanged,
 * so a full disk or an out-of-memory never gets recorded as the user's fault.
 */

export const SUPPORTED_FORMATS_SENTENCE = 'Upload a JPEG, PNG, WebP, GIF, AVIF, HEIC or TIFF image.';

/** libvips repeats lines and appends context; the first line is the useful one for details. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]?.trim() ?? '';
}

function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** A format outside the allowlist, named (`svg`, `pdf`, whatever libvips called it). */
export function formatNotAccepted(format: string): BadMediaError {
  return new BadMediaError('unsupported_format', `${format.toUpperCase()} files aren't accepted. ${SUPPORTED_FORMATS_SENTENCE}`, { format });
}

/** Bytes that are no image format we know of. */
export function notAnAcceptedImage(details?: Record<string, unknown>): BadMediaError {
  return new BadMediaError('unsupported_format', `The file isn't an image in a format we accept. ${SUPPORTED_FORMATS_SENTENCE}`, details);
}

export function formatPixels(n: number): string {
  return n.toLocaleString('en-US');
}

/** Limit errors from libvips say nothing about sizes, so we say it for it. */
export function tooManyPixels(width: number, height: number, frames: number, limit: number): BadMediaError {
  const total = width * height * frames;
  const what =
    frames > 1
      ? `The animation has ${frames} frames of ${width}x${height} pixels (${formatPixels(total)} pixels in total)`
      : `The image is ${width}x${height} pixels (${formatPixels(total)} pixels)`;
  return new BadMediaError(
    'too_many_pixels',
    `${what}, more than the limit of ${formatPixels(limit)} pixels. Reduce its dimensions${frames > 1 ? ' or frame count' : ''} and upload it again.`,
    { width, height, frames, pixels: total, maxInputPixels: limit },
  );
}

export function corruptImage(cause: string): BadMediaError {
  return new BadMediaError(
    'corrupt_image',
    "The image data is damaged or incomplete, so it can't be rendered (it may have been cut off while uploading). " +
      'Check that the original opens, then upload it again.',
    { cause },
  );
}

export interface DecodeErrorContext {
  timeoutSeconds?: number | undefined;
}

/**
 * Maps an error thrown while decoding/encoding a file that already passed `probeImage`.
 * By then the header was fine, so a libvips failure is almost always damaged pixel data.
 */
export function classifyDecodeError(error: unknown, context: DecodeErrorContext = {}): unknown {
  if (!(error instanceof Error) || isSystemError(error) || error instanceof DarkroomError) return error;
  const message = error.message;
  if (message.startsWith('timeout:')) {
    // Not bad media by itself (the machine may be overloaded), so the worker retries it once.
    return new DarkroomError('render_timeout', `Rendering was stopped after the ${context.timeoutSeconds ?? '?'}-second time limit.`, {
      cause: firstLine(error),
      timeoutSeconds: context.timeoutSeconds,
    });
  }
  // Resource trouble, and sharp's own argument checks ("Expected integer … for seconds"): our bugs, not the file's.
  if (/out of memory|Input file is missing|cannot allocate/i.test(message) || message.startsWith('Expected ')) return error;
  if (/exceeds pixel limit/i.test(message)) {
    return new BadMediaError('too_many_pixels', 'The image has more pixels than this server accepts.', {
      cause: firstLine(error),
    });
  }
  if (/has not been built in|no decoder|unsupported image format/i.test(message)) {
    return new BadMediaError('unsupported_format', `This image can't be decoded here. ${SUPPORTED_FORMATS_SENTENCE}`, {
      cause: firstLine(error),
    });
  }
  return corruptImage(firstLine(error));
}
