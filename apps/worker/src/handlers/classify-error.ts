import { BadMediaError, DarkroomError, type ProcessingErrorCode } from '@darkroom/core';
import { StorageError, StorageUnavailableError } from '@darkroom/storage';

export interface ClassifiedError {
  code: ProcessingErrorCode;
  message: string;
  /** Bad media never gets better by retrying. */
  retryable: boolean;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** Decides what a failure means: its wire code, the message people see, and whether to try again. */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof BadMediaError) {
    return { code: error.code as ProcessingErrorCode, message: error.message, retryable: false };
  }
  if (error instanceof DarkroomError && error.code === 'render_timeout') {
    return { code: 'render_timeout', message: error.message, retryable: true };
  }
  // A body stream cut off mid-download surfaces as a bare socket error, after the storage boundary.
  if (error instanceof StorageUnavailableError || isNetworkError(error)) {
    return {
      code: 'storage_unavailable',
      message: 'The storage bucket did not answer, even after retries. Retry the job once storage is back.',
      retryable: true,
    };
  }
  if (error instanceof StorageError) {
    return { code: 'internal_error', message: `Storage refused the request: ${error.message}`, retryable: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal_error', message: `Processing failed unexpectedly: ${message}`, retryable: true };
}
