import { DarkroomError } from '@darkroom/core';

export type VideoErrorCode = 'corrupt_video' | 'unsupported_codec' | 'video_too_long' | 'too_many_pixels' | 'render_timeout';

/** Longest piece of ffmpeg/ffprobe stderr kept for the admin view: its tail, where the reason usually is. */
export const STDERR_TAIL_BYTES = 4096;

/**
 * A video the pipeline refused or could not render. A DarkroomError, so the API and the worker read
 * `code`/`message` as for images; `message` is a sentence for the tenant and never quotes ffmpeg,
 * while `detail` (also inside `details`, which `errorDetail` shows operators) keeps what ffmpeg said.
 */
export class VideoError extends DarkroomError {
  declare readonly code: VideoErrorCode;
  /** For operators only: the ffprobe/ffmpeg stderr tail, the codec name, the limits that were hit. */
  readonly detail: string;

  constructor(code: VideoErrorCode, message: string, detail: string, facts: Record<string, unknown> = {}) {
    super(code, message, { ...facts, detail });
    this.name = 'VideoError';
    this.detail = detail;
  }

  /** Only a timeout may go better on another try (the machine may have been busy); bad media never does. */
  get retryable(): boolean {
    return this.code === 'render_timeout';
  }
}

export function isVideoError(error: unknown): error is VideoError {
  return error instanceof VideoError;
}

export function corruptVideo(detail: string, facts?: Record<string, unknown>): VideoError {
  return new VideoError(
    'corrupt_video',
    "The video is damaged, incomplete or has no picture, so it can't be processed (it may have been cut off while uploading). " +
      'Check that the original plays, then upload it again.',
    detail,
    facts,
  );
}

export function unsupportedCodec(codec: string, detail: string): VideoError {
  return new VideoError(
    'unsupported_codec',
    "The video is compressed with a codec this server can't decode. Export it as H.264 MP4 and upload it again.",
    detail || `no decoder for ${codec}`,
    { codec },
  );
}

export function videoTooLong(durationSeconds: number, maxDurationSeconds: number): VideoError {
  return new VideoError(
    'video_too_long',
    `The video is ${formatDuration(durationSeconds)} long, more than the limit of ${formatDuration(maxDurationSeconds)}. ` +
      'Trim it and upload it again.',
    `duration ${durationSeconds} s > limit ${maxDurationSeconds} s`,
    { durationSeconds, maxDurationSeconds },
  );
}

export function videoTooManyPixels(width: number, height: number, maxPixels: number): VideoError {
  const pixels = width * height;
  return new VideoError(
    'too_many_pixels',
    `The video frames are ${width}x${height} pixels (${pixels.toLocaleString('en-US')} pixels), ` +
      `more than the limit of ${maxPixels.toLocaleString('en-US')} pixels. Export it at a lower resolution and upload it again.`,
    `${width}x${height} = ${pixels} pixels > limit ${maxPixels}`,
    { width, height, pixels, maxPixels },
  );
}

export function renderTimeout(timeoutMs: number, detail: string): VideoError {
  return new VideoError('render_timeout', `Rendering the video was stopped after the ${Math.round(timeoutMs / 1000)}-second time limit.`, detail, {
    timeoutMs,
  });
}

/** `1:02:03` / `4:05`: how people read video lengths. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Stderr phrases ffmpeg uses when the input, not the machine, is at fault. */
const BAD_INPUT =
  /invalid data found|partial file|moov atom not found|error while decoding|corrupt|invalid nal|no frame|could not find codec parameters|decoding error|end of file/i;
/** Signals a decoder dies of on crafted input; SIGKILL is left out (the kernel's OOM killer sends it). */
const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGABRT']);

export interface ChildOutcome {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stderrTail: string;
  timedOut: boolean;
}

/**
 * What a failed ffmpeg run means. A timeout is render_timeout; ffmpeg saying the data is bad, or
 * a decoder crash, is corrupt_video; anything else (a full disk, a missing encoder, our own bad
 * argument) is the machine's trouble and stays a plain Error, so the worker retries instead of
 * blaming the upload.
 */
export function ffmpegFailure(outcome: ChildOutcome, timeoutMs: number, what: string): Error {
  const detail = `${what}: ${outcome.exitSignal ? `killed by ${outcome.exitSignal}` : `exit ${outcome.exitCode}`}. ${outcome.stderrTail}`.trim();
  if (outcome.timedOut) return renderTimeout(timeoutMs, detail);
  if (outcome.exitSignal && CRASH_SIGNALS.has(outcome.exitSignal)) return corruptVideo(detail);
  if (BAD_INPUT.test(outcome.stderrTail) && !/no space left|cannot allocate|out of memory/i.test(outcome.stderrTail)) {
    return corruptVideo(detail);
  }
  return new Error(detail);
}
