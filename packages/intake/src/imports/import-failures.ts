import { DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
import { StorageError, StorageUnavailableError } from '@darkroom/storage';

/**
 * How long to wait before trying an item again after `error`, its `attempts`-th try; null when it
 * fails now. What may pass (the source or the bucket unreachable, an error of unknown kind) is tried
 * again as often as `schedule` (IMPORT_RETRY_SCHEDULE) has delays; what will not (not found, refused,
 * too large, not media) fails at once.
 */
export function retryDelayOf(error: unknown, attempts: number, schedule: readonly number[]): number | null {
  if (attempts > schedule.length) return null;
  const passing =
    error instanceof DarkroomError
      ? error.code === 'source_unreachable' || error.code === 'storage_unavailable'
      : !(error instanceof StorageError) || error instanceof StorageUnavailableError || error.retryable;
  return passing ? schedule[attempts - 1]! : null;
}

/** An item's (or an import's) `error`: ours as it is, the bucket's as storage_unavailable, anything else as internal_error. */
export function failureOf(error: unknown): { code: string; message: string } {
  const known =
    error instanceof DarkroomError
      ? error
      : error instanceof StorageUnavailableError || (error instanceof StorageError && error.retryable)
        ? ERRORS.storageUnavailable()
        : ERRORS.internalError();
  return { code: known.code, message: known.message };
}
