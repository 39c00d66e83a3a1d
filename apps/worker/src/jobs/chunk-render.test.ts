import { BadMediaError, DarkroomError } from '@darkroom/core/errors';
import { describe, expect, it } from 'vitest';
import { errorOfChunkFailure } from './chunk-render.js';

describe("errorOfChunkFailure: a part's final failure, as its job fails or retries with it", () => {
  const reason = (code: string, message: string, retryable: boolean) => JSON.stringify({ code, message, retryable });

  it('keeps a time limit one, with the sentence the part carried', () => {
    const error = errorOfChunkFailure(reason('render_timeout', 'Rendering the video was stopped after the 90-second time limit.', true));
    expect(error).toBeInstanceOf(DarkroomError);
    expect(error).toMatchObject({ code: 'render_timeout', message: 'Rendering the video was stopped after the 90-second time limit.' });
  });

  it('keeps bad media bad, and makes anything else a failure to try again', () => {
    expect(errorOfChunkFailure(reason('corrupt_video', 'The video is damaged.', false))).toBeInstanceOf(BadMediaError);
    const other = errorOfChunkFailure('job stalled more than allowable limit');
    expect(other).not.toBeInstanceOf(DarkroomError);
    expect(other.message).toBe('a chunk failed: job stalled more than allowable limit');
  });
});
