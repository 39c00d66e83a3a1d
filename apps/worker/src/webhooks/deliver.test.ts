import { describe, expect, it } from 'vitest';
import { judgeAttempt } from './deliver.js';
import type { PostResult } from './send.js';

const answered = (status: number): PostResult => ({ status, body: '', error: null, durationMs: 5 });
const schedule = [5_000, 300_000, 1_800_000];

describe('judgeAttempt', () => {
  it('counts any 2xx as delivered', () => {
    for (const status of [200, 202, 204, 299])
      expect(judgeAttempt(answered(status), 1, schedule)).toEqual({ outcome: 'succeeded', error: null, retryInMs: null });
  });

  it('retries anything else on the schedule, and gives up after its last delay', () => {
    expect(judgeAttempt(answered(500), 1, schedule)).toEqual({ outcome: 'retrying', error: 'HTTP 500', retryInMs: 5_000 });
    expect(judgeAttempt(answered(429), 3, schedule)).toEqual({ outcome: 'retrying', error: 'HTTP 429', retryInMs: 1_800_000 });
    expect(judgeAttempt(answered(500), 4, schedule)).toEqual({ outcome: 'failed', error: 'HTTP 500', retryInMs: null });
    expect(judgeAttempt(answered(301), 1, schedule).error).toBe('redirect not followed (HTTP 301)');
    const refused: PostResult = { status: null, body: null, error: 'connection refused', durationMs: 1 };
    expect(judgeAttempt(refused, 2, schedule)).toEqual({ outcome: 'retrying', error: 'connection refused', retryInMs: 300_000 });
  });

  it('disables the webhook on 410 Gone, whatever attempt it is', () => {
    expect(judgeAttempt(answered(410), 1, schedule)).toMatchObject({ outcome: 'gone', retryInMs: null });
  });
});
