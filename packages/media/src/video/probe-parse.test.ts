import { describe, expect, it } from 'vitest';
import { BadMediaError } from '@darkroom/core/errors';
import { parseDecodableCodecs } from './ffmpeg.js';
import { frameRate, parseProbe, rotationOf, videoEndSeconds, type FfprobeOutput, type FfprobeStream } from './probe-parse.js';

const DECODABLE = new Set(['h264', 'hevc', 'vp9', 'aac', 'opus']);
const VIDEO: FfprobeStream = {
  index: 0,
  codec_type: 'video',
  codec_name: 'h264',
  width: 1920,
  height: 1080,
  avg_frame_rate: '30000/1001',
  nb_frames: '300',
  pix_fmt: 'yuv420p',
};
const AUDIO: FfprobeStream = { index: 1, codec_type: 'audio', codec_name: 'aac' };
const FORMAT = { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '10.010000', tags: { major_brand: 'isom' } };

function parse(streams: FfprobeStream[], format: FfprobeOutput['format'] = FORMAT) {
  return parseProbe({ streams, format }, DECODABLE);
}

function refusal(streams: FfprobeStream[], format: FfprobeOutput['format'] = FORMAT): BadMediaError {
  try {
    parse(streams, format);
  } catch (error) {
    expect(error).toBeInstanceOf(BadMediaError);
    return error as BadMediaError;
  }
  throw new Error('expected a refusal');
}

describe('parseProbe', () => {
  it('turns the display matrix (counter-clockwise) and the legacy rotate tag (clockwise) into clockwise quarter turns', () => {
    expect(rotationOf({ side_data_list: [{ rotation: -90 }] })).toBe(90);
    expect(rotationOf({ side_data_list: [{ rotation: 90 }] })).toBe(270);
    expect(rotationOf({ side_data_list: [{ rotation: 180 }] })).toBe(180);
    expect(rotationOf({ side_data_list: [{ rotation: -180 }] })).toBe(180);
    expect(rotationOf({ tags: { rotate: '90' } })).toBe(90);
    expect(rotationOf({ tags: { rotate: '270' } })).toBe(270);
    expect(rotationOf({})).toBe(0);
  });

  it('swaps width and height for quarter turns only', () => {
    expect(parse([{ ...VIDEO, side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] }])).toMatchObject({
      width: 1080,
      height: 1920,
      codedWidth: 1920,
    });
    expect(parse([{ ...VIDEO, side_data_list: [{ rotation: 180 }] }])).toMatchObject({ width: 1920, height: 1080 });
  });

  it('widens (or narrows) the displayed size for non-square pixels, before any rotation', () => {
    expect(parse([{ ...VIDEO, width: 720, height: 480, sample_aspect_ratio: '32:27' }])).toMatchObject({ width: 853, height: 480, codedWidth: 720 });
    expect(parse([{ ...VIDEO, width: 720, height: 480, sample_aspect_ratio: '32:27', side_data_list: [{ rotation: 90 }] }])).toMatchObject({
      width: 480,
      height: 853,
    });
    expect(parse([{ ...VIDEO, sample_aspect_ratio: '0:1' }])).toMatchObject({ width: 1920 });
  });

  it('reads the average frame rate, falls back from 0/0, and never divides by zero', () => {
    expect(frameRate({ avg_frame_rate: '30000/1001' }, undefined, 10)).toBe(29.97);
    expect(frameRate({ avg_frame_rate: '0/0', r_frame_rate: '25/1' }, undefined, 10)).toBe(25);
    expect(frameRate({ avg_frame_rate: '0/0', r_frame_rate: '0/0' }, 120, 10)).toBe(12);
    expect(frameRate({ avg_frame_rate: '1/0' }, undefined, 10)).toBe(0);
  });

  it('tells QuickTime from MP4 by brand and WebM from other Matroska by codecs', () => {
    expect(parse([VIDEO], { ...FORMAT, tags: { major_brand: 'qt  ' } }).container).toBe('mov');
    expect(
      parse(
        [
          { ...VIDEO, codec_name: 'vp9' },
          { ...AUDIO, codec_name: 'opus' },
        ],
        { format_name: 'matroska,webm', duration: '3' },
      ).container,
    ).toBe('webm');
    expect(parse([VIDEO, AUDIO], { format_name: 'matroska,webm', duration: '3' }).container).toBe('mkv');
  });

  it('takes the first real video stream, not cover art', () => {
    const cover: FfprobeStream = { ...VIDEO, index: 0, codec_name: 'mjpeg', disposition: { attached_pic: 1 } };
    expect(parse([cover, { ...VIDEO, index: 2 }]).videoStreamIndex).toBe(2);
    expect(
      refusal([
        { ...AUDIO, index: 0 },
        { ...cover, index: 1 },
      ]).code,
    ).toBe('corrupt_video');
  });

  it('drops an audio track this ffmpeg cannot decode instead of failing the video', () => {
    expect(parse([VIDEO, { ...AUDIO, codec_name: 'apac' }])).toMatchObject({ audio: false, audioCodec: 'apac', audioStreamIndex: null });
  });

  it('refuses codecs outside the allowlist or this build, sizeless or durationless streams, and 0 frames', () => {
    expect(refusal([{ ...VIDEO, codec_name: 'av1' }]).code).toBe('unsupported_codec'); // accepted, but not in this (fake) build
    expect(refusal([{ ...VIDEO, codec_name: 'cinepak' }]).details).toMatchObject({ codec: 'cinepak' });
    expect(refusal([{ ...VIDEO, width: 0 }]).code).toBe('corrupt_video');
    expect(refusal([VIDEO], { ...FORMAT, duration: 'N/A' }).code).toBe('corrupt_video');
    expect(refusal([{ ...VIDEO, nb_frames: '0' }]).details?.detail).toContain('0 frames');
  });

  it('reads bit depth and HDR transfer', () => {
    expect(parse([{ ...VIDEO, pix_fmt: 'yuv420p10le', color_transfer: 'arib-std-b67' }])).toMatchObject({ bitDepth: 10, hdr: 'hlg' });
    expect(parse([{ ...VIDEO, pix_fmt: 'p010le', color_transfer: 'smpte2084' }])).toMatchObject({ bitDepth: 10, hdr: 'pq' });
    expect(parse([{ ...VIDEO, color_transfer: 'bt709' }])).toMatchObject({ bitDepth: 8, hdr: null });
  });

  it('ends the picture at its own duration, or its Matroska DURATION tag, on the packet clock', () => {
    const probe = parse([VIDEO, AUDIO]);
    expect(videoEndSeconds({ streams: [{ ...VIDEO, start_time: '0.5', duration: '9.5' }], format: FORMAT }, probe)).toBe(10);
    expect(videoEndSeconds({ streams: [{ ...VIDEO, tags: { DURATION: '00:01:02.500000000' } }], format: FORMAT }, probe)).toBe(62.5);
    expect(videoEndSeconds({ streams: [VIDEO], format: FORMAT }, probe)).toBe(10.01);
  });
});

describe('parseDecodableCodecs', () => {
  it('keeps codecs with a decoder and skips the legend', () => {
    const listing = [
      'Codecs:',
      ' D..... = Decoding supported',
      ' -------',
      ' DEV.LS h264                 H.264 / AVC (decoders: h264 )',
      ' .EV.L. a64_multi            Multicolor charset for Commodore 64 (encoders: a64multi )',
      ' DEAIL. aac                  AAC (Advanced Audio Coding)',
    ].join('\n');
    expect([...parseDecodableCodecs(listing)]).toEqual(['h264', 'aac']);
  });
});
