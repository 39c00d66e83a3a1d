import { ERRORS } from '@darkroom/core/error-factories';

/** Longest piece of ffmpeg/ffprobe stderr kept for the admin view: its tail, where the reason usually is. */
export const STDERR_TAIL_BYTES = 4096;

/**
 * Stderr phrases ffmpeg uses when the input, not the machine, is at fault. `not on whitelist`: the
 * upload is another format (a playlist, subtitles) or names another protocol (`untrustedInput`).
 */
const BAD_INPUT =
  /invalid data found|partial file|moov atom not found|error while decoding|corrupt|invalid nal|no frame|could not find codec parameters|decoding error|end of file|not on whitelist/i;
/** Signals a decoder dies of on crafted input; SIGKILL is left out (the kernel's OOM killer sends it). */
const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGABRT']);

export interface ChildOutcome {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stderrTail: string;
  timedOut: boolean;
}

/** The errors a failed run is reported as: the video's, or the audio's (`audio/errors.ts`). */
export interface FailureCodes {
  corrupt: (detail: string) => Error;
  timeout: (timeoutMs: number, detail: string) => Error;
}

const VIDEO_FAILURES: FailureCodes = { corrupt: (detail) => ERRORS.corruptVideo(detail), timeout: ERRORS.videoRenderTimeout };

/**
 * What a failed ffmpeg run means. A timeout is render_timeout; ffmpeg saying the data is bad, or
 * a decoder crash, is corrupt_video (corrupt_audio for audio); anything else (a full disk, a missing
 * encoder, our own bad argument) is the machine's trouble and stays a plain Error, so the worker
 * retries instead of blaming the upload.
 */
export function ffmpegFailure(outcome: ChildOutcome, timeoutMs: number, what: string, codes: FailureCodes = VIDEO_FAILURES): Error {
  const detail = `${what}: ${outcome.exitSignal ? `killed by ${outcome.exitSignal}` : `exit ${outcome.exitCode}`}. ${outcome.stderrTail}`.trim();
  if (outcome.timedOut) return codes.timeout(timeoutMs, detail);
  if (outcome.exitSignal && CRASH_SIGNALS.has(outcome.exitSignal)) return codes.corrupt(detail);
  if (BAD_INPUT.test(outcome.stderrTail) && !/no space left|cannot allocate|out of memory/i.test(outcome.stderrTail)) {
    return codes.corrupt(detail);
  }
  return new Error(detail);
}
