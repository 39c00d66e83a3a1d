import { describe, expect, it } from 'vitest';
import { BadMediaCode, BadMediaError, DarkroomError, ErrorCode } from '../errors.js';
import { DELIVERY_ERRORS } from './delivery.js';
import { IMPORT_ERRORS } from './imports.js';
import { PRIVATE_MEDIA_ERRORS } from './private-media.js';
import { ERRORS } from './index.js';
import { AUDIO_ERRORS, IMAGE_ERRORS, PROCESSING_ERRORS, VIDEO_ERRORS } from './media.js';
import { REQUEST_ERRORS } from './requests.js';
import { RESOURCE_ERRORS } from './resources.js';
import { UPLOAD_ERRORS } from './uploads.js';
import { USAGE_ERRORS } from './usage.js';

const GROUPS = {
  REQUEST_ERRORS,
  RESOURCE_ERRORS,
  UPLOAD_ERRORS,
  USAGE_ERRORS,
  DELIVERY_ERRORS,
  PRIVATE_MEDIA_ERRORS,
  IMPORT_ERRORS,
  IMAGE_ERRORS,
  VIDEO_ERRORS,
  AUDIO_ERRORS,
  PROCESSING_ERRORS,
};

describe('ERRORS', () => {
  it('holds every factory of every group, none named in two groups', () => {
    const names = Object.values(GROUPS).flatMap((group) => Object.keys(group));
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    expect(Object.keys(ERRORS).sort()).toEqual([...names].sort());
  });

  it('builds each error with its code, the status of that code, its sentence and its details', () => {
    const preset = ERRORS.presetNotFound('square');
    expect(preset).toBeInstanceOf(DarkroomError);
    expect(preset).toMatchObject({ code: 'preset_not_found', status: 404, message: 'There is no preset named "square".' });
    const tooLarge = ERRORS.fileTooLarge(2000, 1000);
    expect(tooLarge).toMatchObject({ code: 'file_too_large', status: 413, details: { maxBytes: 1000 } });
    expect(tooLarge.message).toBe('The file is 2000 bytes; the limit is 1000 bytes.');
    expect(ERRORS.keyRateLimited(60, 12)).toMatchObject({ status: 429, details: { limit: 60, retryAfterSeconds: 12 } });
    expect(ERRORS.contentMismatch('image/png', null).message).toBe(
      'The upload was declared image/png, but its content is not an image, video or audio file of a known type.',
    );
  });

  it('makes bad media of what never gets better on another try, and a plain error of a timeout', () => {
    const bad = [
      ERRORS.corruptVideo('moov atom not found'),
      ERRORS.unsupportedCodec('prores', ''),
      ERRORS.videoTooLong(3723, 600),
      ERRORS.videoLongerThanDeclared(61, 65.2),
      ERRORS.videoTooManyPixels(8000, 8000, 40_000_000),
      ERRORS.corruptImage('VipsJpeg: premature end'),
      ERRORS.emptyFile(),
      ERRORS.cropTooSmall(10, 10),
      ERRORS.corruptAudio('Invalid data found when processing input'),
      ERRORS.unsupportedAudioCodec('dsd_lsbf', ''),
      ERRORS.audioTooLong(25_200, 21_600),
    ];
    for (const error of bad) {
      expect(error, error.code).toBeInstanceOf(BadMediaError);
      expect(BadMediaCode).toContain(error.code);
      expect(error.status).toBe(ErrorCode[error.code]);
    }
    expect(ERRORS.videoTooLong(3723, 600).message).toBe('The video is 1:02:03 long, more than the limit of 10:00. Trim it and upload it again.');
    expect(ERRORS.audioTooLong(25_200, 21_600).message).toBe(
      'The audio is 7:00:00 long, more than the limit of 6:00:00. Split or trim it and upload it again.',
    );
    expect(ERRORS.unsupportedAudioCodec('dsd_lsbf', '')).toMatchObject({ code: 'unsupported_codec', details: { codec: 'dsd_lsbf' } });
    expect(ERRORS.corruptAudio('x').message).not.toMatch(/video|image/);
    expect(ERRORS.unsupportedCodec('prores', '').details).toEqual({ codec: 'prores', detail: 'no decoder for prores' });
    const cover = ERRORS.coverArtRefused(ERRORS.tooManyPixels(16_000, 16_000, 1, 100_000_000));
    expect(cover).toBeInstanceOf(BadMediaError);
    expect(cover).toMatchObject({ code: 'too_many_pixels', details: { width: 16_000, coverArt: true } });
    expect(cover.message).toMatch(/^The cover art embedded in the audio file can't be used: The image is 16000x16000 pixels/);
    const timeouts = [
      ERRORS.videoRenderTimeout(90_000, 'ffmpeg killed'),
      ERRORS.imageRenderTimeout(30, 'timeout: 30s'),
      ERRORS.audioRenderTimeout(60_000, 'x'),
    ];
    for (const timeout of timeouts) {
      expect(timeout).not.toBeInstanceOf(BadMediaError);
      expect(timeout.code).toBe('render_timeout');
    }
  });

  it('quotes a delivery option back at most 40 characters long', () => {
    const token = `w_${'9'.repeat(60)}`;
    const error = ERRORS.optionOutOfRange(token, 1, 4096);
    expect(error.message).toBe(`Option "${token.slice(0, 40)}…" is out of range: a whole number from 1 to 4096.`);
    expect(error.details).toEqual({ option: token.slice(0, 40) });
  });
});
