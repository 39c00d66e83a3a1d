import { DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';

/**
 * sharp reports every failure as a plain Error whose message is libvips's text, so the only way
 * to tell "this file is bad" (fail the asset, never retry) from "this machine is in trouble"
 * (retry) is the message. Anything we don't recognise as bad media is passed through unchanged,
 * so a full disk or an out-of-memory never gets recorded as the user's fault.
 */

/** libvips repeats lines and appends context; the first line is the useful one for details. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]?.trim() ?? '';
}

function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
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
    return ERRORS.imageRenderTimeout(context.timeoutSeconds, firstLine(error));
  }
  // Resource trouble, and sharp's own argument checks ("Expected integer … for seconds"): our bugs, not the file's.
  if (/out of memory|Input file is missing|cannot allocate/i.test(message) || message.startsWith('Expected ')) return error;
  if (/exceeds pixel limit/i.test(message)) {
    return ERRORS.pixelLimitExceeded(firstLine(error));
  }
  if (/has not been built in|no decoder|unsupported image format/i.test(message)) {
    return ERRORS.undecodableImage(firstLine(error));
  }
  return ERRORS.corruptImage(firstLine(error));
}
