import { BadMediaError, DarkroomError, errorDetail, type ProcessingErrorCode } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
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
  // Images and videos alike; libvips' and ffmpeg's words stay in `detail`, the message is written for the tenant.
  if (error instanceof BadMediaError) {
    return { code: error.code as ProcessingErrorCode, message: error.message, detail, retryable: false };
  }
  // A tenant past its videoSecondsPerMonth: trying again this month would find the same.
  if (error instanceof DarkroomError && error.code === 'quota_exceeded') {
    return { code: 'quota_exceeded', message: error.message, detail, retryable: false };
  }
  if (error instanceof DarkroomError && error.code === 'render_timeout') {
    return { code: 'render_timeout', message: error.message, detail, retryable: true };
  }
  return { ...retriedAs(outageOf(error)), detail };
}

/** A failure that is not the file's, as the sentence the tenant reads; the job is tried again. */
function outageOf(error: unknown): DarkroomError {
  // A render aborted because this worker is stopping: the job is tried again, as after a crash.
  if (error instanceof Error && error.name === 'AbortError') return ERRORS.processingInterrupted();
  // A body stream cut off mid-download surfaces as a bare socket error, after the storage boundary.
  if (error instanceof StorageUnavailableError || isNetworkError(error)) return ERRORS.storageUnreachable();
  if (error instanceof ObjectNotFoundError) return ERRORS.originalMissingFromStorage();
  if (error instanceof StorageError) return ERRORS.storageRefused();
  return ERRORS.processingFailed();
}

function retriedAs(outage: DarkroomError) {
  return { code: outage.code as ProcessingErrorCode, message: outage.message, retryable: true };
}
