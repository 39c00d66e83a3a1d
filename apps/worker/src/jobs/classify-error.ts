import { BadMediaError, DarkroomError, errorDetail, type ProcessingErrorCode } from '@darkroom/core';
import { isVideoError } from '@darkroom/media';
import { ObjectNotFoundError, StorageError, StorageUnavailableError } from '@darkroom/storage';

export interface ClassifiedError {
  code: ProcessingErrorCode;
  /** What the tenant reads (asset.error, its jobs): never a bucket, key, host, SQL or stack. */
  message: string;
  /** The raw error, for the logs and the admin job routes only. */
  detail: string;
  /** Bad media never gets better by retrying. */
  retryable: boolean;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/**
 * Decides what a failure means: its wire code, the message people see, and whether to try again.
 * Only messages Darkroom wrote for people (bad media, timeouts) pass through; any other error's text
 * (a storage error names its bucket and key, a database error its SQL and parameters) stays in
 * `detail`, and the tenant gets a sentence that says what happened without naming internals.
 */
export function classifyError(error: unknown): ClassifiedError {
  const detail = errorDetail(error);
  if (error instanceof BadMediaError) {
    return { code: error.code as ProcessingErrorCode, message: error.message, detail, retryable: false };
  }
  // ffmpeg's words stay in `detail`: a VideoError's message is written for the tenant.
  if (isVideoError(error)) {
    return { code: error.code, message: error.message, detail, retryable: error.retryable };
  }
  // A render aborted because this worker is stopping: the job is tried again, as after a crash.
  if (error instanceof Error && error.name === 'AbortError') {
    const message = 'Processing was interrupted because a worker stopped; it is tried again.';
    return { code: 'internal_error', message, detail, retryable: true };
  }
  if (error instanceof DarkroomError && error.code === 'render_timeout') {
    return { code: 'render_timeout', message: error.message, detail, retryable: true };
  }
  // A body stream cut off mid-download surfaces as a bare socket error, after the storage boundary.
  if (error instanceof StorageUnavailableError || isNetworkError(error)) {
    const message = 'The storage bucket did not answer, even after retries. Retry the job once storage is back.';
    return { code: 'storage_unavailable', message, detail, retryable: true };
  }
  if (error instanceof ObjectNotFoundError) {
    const message = 'The original file is missing from storage, so it could not be processed. Upload the file again.';
    return { code: 'internal_error', message, detail, retryable: true };
  }
  if (error instanceof StorageError) {
    const message = 'Storage refused a request while this file was processed. The operators have the details.';
    return { code: 'internal_error', message, detail, retryable: true };
  }
  const message = 'Processing failed unexpectedly on our side. The operators have the details.';
  return { code: 'internal_error', message, detail, retryable: true };
}
