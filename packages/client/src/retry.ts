import { abortError } from './errors.js';

export interface RetryOptions {
  /** Retries after the first try (default 5). */
  retries?: number;
  /** The first wait (default 500 ms); each next one doubles, with jitter, up to `maxDelayMs`. */
  baseDelayMs?: number;
  /** The longest wait between two tries (default 15 s). */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 5, baseDelayMs: 500, maxDelayMs: 15_000 };

/**
 * The wait before retry number `attempt` (1-based): an exponential window, half of it fixed and half
 * random, so that parts failing together (a B2 503 SlowDown) do not all come back at the same moment.
 */
export function backoffDelay(attempt: number, retry: Required<RetryOptions>, random: () => number = Math.random): number {
  const window = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(window / 2 + (random() * window) / 2);
}

/** Resolves after `ms`, or rejects with an `aborted` DarkroomError as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Statuses worth another try: the bucket or API is busy or briefly down (B2 answers 503 SlowDown). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
