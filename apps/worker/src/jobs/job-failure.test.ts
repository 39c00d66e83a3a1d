import { retryDelayMs } from '@darkroom/core/queue';
import { describe, expect, it } from 'vitest';
import type { ClassifiedError } from './classify-error.js';
import { isFinalFailure } from './job-failure.js';

const attempt = (n: number, errorCode: string | null) => ({ attempt: n, startedAt: '', finishedAt: null, errorCode, errorMessage: null });
const timeout: ClassifiedError = { code: 'render_timeout', message: 'slow', detail: '', retryable: true };
const outage: ClassifiedError = { code: 'storage_unavailable', message: 'down', detail: '', retryable: true };

describe('isFinalFailure', () => {
  it('retries a render timeout once, then stops, whatever attempts are left', () => {
    expect(isFinalFailure(timeout, { history: [attempt(1, null)], attemptsMade: 0, attempts: 5 })).toBe(false);
    expect(isFinalFailure(timeout, { history: [attempt(1, 'render_timeout'), attempt(2, null)], attemptsMade: 1, attempts: 5 })).toBe(true);
  });

  it('retries an outage until the queue has no attempts left', () => {
    const history = [attempt(1, 'storage_unavailable'), attempt(2, 'storage_unavailable'), attempt(3, null)];
    expect(isFinalFailure(outage, { history, attemptsMade: 2, attempts: 5 })).toBe(false);
    expect(isFinalFailure(outage, { history, attemptsMade: 4, attempts: 5 })).toBe(true);
  });

  it('never retries bad media', () => {
    expect(isFinalFailure({ code: 'corrupt_image', message: 'x', detail: '', retryable: false }, { history: [], attemptsMade: 0, attempts: 5 })).toBe(
      true,
    );
  });
});

describe('retryDelayMs', () => {
  it('walks the schedule and repeats its last delay', () => {
    const schedule = [10, 60, 180];
    expect([1, 2, 3, 4, 9].map((n) => retryDelayMs(schedule, n))).toEqual([10, 60, 180, 180, 180]);
  });
});
