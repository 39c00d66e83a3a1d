import { MIN_CROP_SIZE } from '../delivery.js';
import { BadMediaError, DarkroomError, type BadMediaCode } from '../errors.js';

/**
 * What the pipeline says of a file it cannot take (bad media: failed at once, never retried) or could
 * not render in time (retried). The sentence is for the tenant (`asset.error`); what libvips or
 * ffmpeg said goes into `details` (`cause`, `detail`), which only operators see.
 */
export const SUPPORTED_FORMATS_SENTENCE = 'Upload a JPEG, PNG, WebP, GIF, AVIF, HEIC or TIFF image.';

const count = (n: number) => n.toLocaleString('en-US');

/** `1:02:03` / `4:05`: how people read video lengths. */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export const IMAGE_ERRORS = {
  emptyFile: () => new BadMediaError('empty_file', 'The file is empty (0 bytes); the upload probably did not complete. Upload it again.'),
  /** A format outside the allowlist, named (`svg`, `pdf`, whatever libvips called it). */
  formatNotAccepted: (format: string) =>
    new BadMediaError('unsupported_format', `${format.toUpperCase()} files aren't accepted. ${SUPPORTED_FORMATS_SENTENCE}`, { format }),
  notAnAcceptedImage: (details?: Record<string, unknown>) =>
    new BadMediaError('unsupported_format', `The file isn't an image in a format we accept. ${SUPPORTED_FORMATS_SENTENCE}`, details),
  undecodableImage: (cause: string) =>
    new BadMediaError('unsupported_format', `This image can't be decoded here. ${SUPPORTED_FORMATS_SENTENCE}`, { cause }),
  heifCodingNotSupported: (itemType: string) =>
    new BadMediaError('unsupported_format', `HEIF images coded as '${itemType}' aren't supported. Export the photo as JPEG and upload it again.`, {
      itemType,
    }),
  heifFeatureNotSupported: (cause: string) =>
    new BadMediaError('unsupported_format', "This HEIF image uses a feature this server can't decode. Export it as JPEG and upload it again.", {
      cause,
    }),
  /** Limit errors from libvips say nothing about sizes, so we say it for it. */
  tooManyPixels: (width: number, height: number, frames: number, limit: number) => {
    const total = width * height * frames;
    const what =
      frames > 1
        ? `The animation has ${frames} frames of ${width}x${height} pixels (${count(total)} pixels in total)`
        : `The image is ${width}x${height} pixels (${count(total)} pixels)`;
    return new BadMediaError(
      'too_many_pixels',
      `${what}, more than the limit of ${count(limit)} pixels. Reduce its dimensions${frames > 1 ? ' or frame count' : ''} and upload it again.`,
      { width, height, frames, pixels: total, maxInputPixels: limit },
    );
  },
  /** libvips refused the size without saying it. */
  pixelLimitExceeded: (cause: string) => new BadMediaError('too_many_pixels', 'The image has more pixels than this server accepts.', { cause }),
  heifTooComplex: (cause: string) => new BadMediaError('too_many_pixels', 'The image is larger or more complex than this server decodes.', { cause }),
  heifTooManyTiles: (tiles: number, maxTiles: number) =>
    new BadMediaError(
      'too_many_pixels',
      `The image is a grid of ${count(tiles)} tiles, more than the limit of ${count(maxTiles)}. Export the photo as JPEG and upload it again.`,
      { tiles, maxTiles },
    ),
  corruptImage: (cause: string) =>
    new BadMediaError(
      'corrupt_image',
      "The image data is damaged or incomplete, so it can't be rendered (it may have been cut off while uploading). " +
        'Check that the original opens, then upload it again.',
      { cause },
    ),
  corruptImageHeader: (cause: string) =>
    new BadMediaError(
      'corrupt_image',
      "The image header is damaged, so the file can't be read. Check that the original opens, then upload it again.",
      { cause },
    ),
  cropTooSmall: (width: number, height: number) =>
    new BadMediaError('invalid_crop', `The crop leaves less than ${MIN_CROP_SIZE}×${MIN_CROP_SIZE} of the ${width}×${height} image.`),
  /** Not bad media by itself (the machine may be overloaded), so the worker retries it. */
  imageRenderTimeout: (timeoutSeconds: number | undefined, cause: string) =>
    new DarkroomError('render_timeout', `Rendering was stopped after the ${timeoutSeconds ?? '?'}-second time limit.`, { cause, timeoutSeconds }),
};

/** `detail`: for operators only, the ffprobe/ffmpeg stderr tail or the limit that was hit. */
export const VIDEO_ERRORS = {
  corruptVideo: (detail: string, facts: Record<string, unknown> = {}) =>
    new BadMediaError(
      'corrupt_video',
      "The video is damaged, incomplete or has no picture, so it can't be processed (it may have been cut off while uploading). " +
        'Check that the original plays, then upload it again.',
      { ...facts, detail },
    ),
  /** A packet starts well past the duration its header states: its streams run on past it. */
  videoLongerThanDeclared: (declaredSeconds: number, runsToSeconds: number) =>
    new BadMediaError(
      'corrupt_video',
      `The video's header says it lasts ${formatDuration(declaredSeconds)}, but its picture or sound runs on past that, ` +
        "so it can't be processed. Export it again and upload the new file.",
      { declaredSeconds, runsToSeconds, detail: `a packet starts at ${runsToSeconds} s, past the declared ${declaredSeconds} s` },
    ),
  unsupportedCodec: (codec: string, detail: string) =>
    new BadMediaError(
      'unsupported_codec',
      "The video is compressed with a codec this server can't decode. Export it as H.264 MP4 and upload it again.",
      {
        codec,
        detail: detail || `no decoder for ${codec}`,
      },
    ),
  videoTooLong: (durationSeconds: number, maxDurationSeconds: number) =>
    new BadMediaError(
      'video_too_long',
      `The video is ${formatDuration(durationSeconds)} long, more than the limit of ${formatDuration(maxDurationSeconds)}. Trim it and upload it again.`,
      { durationSeconds, maxDurationSeconds, detail: `duration ${durationSeconds} s > limit ${maxDurationSeconds} s` },
    ),
  videoTooManyPixels: (width: number, height: number, maxPixels: number) => {
    const pixels = width * height;
    return new BadMediaError(
      'too_many_pixels',
      `The video frames are ${width}x${height} pixels (${count(pixels)} pixels), ` +
        `more than the limit of ${count(maxPixels)} pixels. Export it at a lower resolution and upload it again.`,
      { width, height, pixels, maxPixels, detail: `${width}x${height} = ${pixels} pixels > limit ${maxPixels}` },
    );
  },
  /** Only a timeout may go better on another try (the machine may have been busy): not bad media. */
  videoRenderTimeout: (timeoutMs: number, detail: string) =>
    new DarkroomError('render_timeout', `Rendering the video was stopped after the ${Math.round(timeoutMs / 1000)}-second time limit.`, {
      timeoutMs,
      detail,
    }),
  /**
   * A chunked render's part that ran past its limit, as its job fails (or retries) with it: the
   * sentence is the one the part's own failure carried (videoRenderTimeout's, written above).
   */
  chunkPartTimedOut: (message: string) => new DarkroomError('render_timeout', message),
};

/** `detail`: for operators only, what ffprobe or ffmpeg said, or the limit that was hit. */
export const AUDIO_ERRORS = {
  corruptAudio: (detail: string, facts: Record<string, unknown> = {}) =>
    new BadMediaError(
      'corrupt_audio',
      "The audio is damaged, incomplete or has no sound in it, so it can't be processed (it may have been cut off while uploading). " +
        'Check that the original plays, then upload it again.',
      { ...facts, detail },
    ),
  unsupportedAudioCodec: (codec: string, detail: string) =>
    new BadMediaError(
      'unsupported_codec',
      "The audio is compressed with a codec this server can't decode. Export it as MP3, AAC (M4A) or FLAC and upload it again.",
      { codec, detail: detail || `no decoder for ${codec}` },
    ),
  /** Not the file's fault for certain (storage may be slow): the upload stays unconfirmed, and `complete` may be called again. */
  audioProbeTimeout: (timeoutMs: number, detail: string) =>
    new DarkroomError(
      'service_unavailable',
      `Checking the audio took longer than ${Math.round(timeoutMs / 1000)} seconds; call complete again shortly.`,
      {
        timeoutMs,
        detail,
      },
    ),
  /** Every audio check of this process was busy past its wait: the upload stays unconfirmed. */
  audioChecksBusy: () => new DarkroomError('service_unavailable', 'Too many audio files are being checked right now; call complete again shortly.'),
  audioTooLong: (durationSeconds: number, maxDurationSeconds: number) =>
    new BadMediaError(
      'audio_too_long',
      `The audio is ${formatDuration(durationSeconds)} long, more than the limit of ${formatDuration(maxDurationSeconds)}. ` +
        'Split or trim it and upload it again.',
      { durationSeconds, maxDurationSeconds, detail: `duration ${durationSeconds} s > limit ${maxDurationSeconds} s` },
    ),
  /**
   * The embedded cover art was refused by the image pipeline: its code (too_many_pixels,
   * corrupt_image, …) and its sentence, said of the cover art. The audio itself was fine.
   */
  coverArtRefused: (refusal: BadMediaError) =>
    new BadMediaError(
      refusal.code as BadMediaCode,
      `The cover art embedded in the audio file can't be used: ${refusal.message} Remove or replace the cover art and upload the file again.`,
      { ...refusal.details, coverArt: true },
    ),
  /** Only a timeout may go better on another try (the machine may have been busy): not bad media. */
  audioRenderTimeout: (timeoutMs: number, detail: string) =>
    new DarkroomError('render_timeout', `Rendering the audio was stopped after the ${Math.round(timeoutMs / 1000)}-second time limit.`, {
      timeoutMs,
      detail,
    }),
};

/** The worker's sentences for failures that are not the file's: the job is tried again. */
export const PROCESSING_ERRORS = {
  processingInterrupted: () => new DarkroomError('internal_error', 'Processing was interrupted because a worker stopped; it is tried again.'),
  storageUnreachable: () =>
    new DarkroomError('storage_unavailable', 'The storage bucket did not answer, even after retries. Retry the job once storage is back.'),
  originalMissingFromStorage: () =>
    new DarkroomError('internal_error', 'The original file is missing from storage, so it could not be processed. Upload the file again.'),
  storageRefused: () =>
    new DarkroomError('internal_error', 'Storage refused a request while this file was processed. The operators have the details.'),
  processingFailed: () => new DarkroomError('internal_error', 'Processing failed unexpectedly on our side. The operators have the details.'),
  interruptedTooOften: (attempts: number) =>
    new DarkroomError(
      'internal_error',
      `Processing stopped ${attempts} times without finishing (a worker died while rendering this file); not retrying.`,
    ),
};
