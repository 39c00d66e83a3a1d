import { ERRORS } from '@darkroom/core/error-factories';
import { ffmpegFailure, type ChildOutcome, type FailureCodes } from '../video/errors.js';

const AUDIO_FAILURES: FailureCodes = { corrupt: (detail) => ERRORS.corruptAudio(detail), timeout: ERRORS.audioRenderTimeout };

/** What the MP3 and ADTS demuxers say of bytes that only look like audio (a text file named `.mp3`, a cut frame). */
const AUDIO_BAD_INPUT = /misdetection possible|failed to read frame size|header missing|invalid frame size/i;

/** What a failed ffmpeg run on audio means: render_timeout, corrupt_audio, or (the machine's trouble) a plain Error. */
export function audioFailure(outcome: ChildOutcome, timeoutMs: number, what: string): Error {
  const error = ffmpegFailure(outcome, timeoutMs, what, AUDIO_FAILURES);
  if (error.constructor === Error && AUDIO_BAD_INPUT.test(outcome.stderrTail)) return AUDIO_FAILURES.corrupt(error.message);
  return error;
}
