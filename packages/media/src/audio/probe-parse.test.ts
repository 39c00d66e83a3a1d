import { describe, expect, it } from 'vitest';
import type { FfprobeOutput } from '../video/probe-parse.js';
import { isAcceptedAudioCodec, parseAudioProbe } from './probe-parse.js';

const decodable = new Set(['mp3', 'aac', 'flac', 'opus', 'vorbis', 'pcm_s16le', 'h264', 'mjpeg', 'dsd_lsbf', 'alac']);

const mp3 = (over: Partial<NonNullable<FfprobeOutput['streams']>[number]> = {}, duration: string | null = '1800.05'): FfprobeOutput => ({
  streams: [
    { index: 0, codec_type: 'audio', codec_name: 'mp3', sample_rate: '44100', channels: 2, duration: '1800.05', ...over },
    { index: 1, codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } },
  ],
  format: { format_name: 'mp3', ...(duration === null ? {} : { duration }) },
});

const codeOf = (output: FfprobeOutput) => {
  try {
    parseAudioProbe(output, decodable);
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('parseAudioProbe', () => {
  it('reads codec, sample rate, channels, duration and the cover art stream', () => {
    expect(parseAudioProbe(mp3(), decodable)).toEqual({
      container: 'mp3',
      codec: 'mp3',
      sampleRate: 44_100,
      channels: 2,
      durationSeconds: 1800.05,
      audioStreamIndex: 0,
      coverArtStreamIndex: 1,
    });
  });

  it("falls back to the stream's duration when the file states none", () => {
    expect(parseAudioProbe(mp3({ duration: '12.5' }, null), decodable).durationSeconds).toBe(12.5);
  });

  it('refuses zero, negative, missing and non-numeric durations as corrupt_audio', () => {
    for (const [file, stream] of [
      ['0', '0'],
      ['0.000000', undefined],
      ['-3', '-3'],
      [null, undefined],
      ['N/A', 'N/A'],
    ] as const) {
      expect(codeOf(mp3({ duration: stream }, file)), `${file} / ${stream}`).toBe('corrupt_audio');
    }
  });

  it('refuses a file with no audio stream, or none usable, as corrupt_audio', () => {
    expect(codeOf({ streams: [{ index: 0, codec_type: 'video', codec_name: 'h264' }], format: { duration: '3' } })).toBe('corrupt_audio');
    expect(codeOf({})).toBe('corrupt_audio');
    expect(codeOf(mp3({ sample_rate: '0' }))).toBe('corrupt_audio');
    expect(codeOf(mp3({ sample_rate: '10000000' }))).toBe('corrupt_audio');
    expect(codeOf(mp3({ channels: 0 }))).toBe('corrupt_audio');
    expect(codeOf(mp3({ channels: 255 }))).toBe('corrupt_audio');
  });

  it('refuses codecs off the list, or that this ffmpeg cannot decode, as unsupported_codec', () => {
    expect(codeOf(mp3({ codec_name: 'dsd_lsbf' }))).toBe('unsupported_codec');
    expect(codeOf(mp3({ codec_name: 'pcm_s24le' }))).toBe('unsupported_codec'); // on the list, not decodable in this set
    expect(codeOf(mp3({ codec_name: undefined, codec_tag_string: 'zzzz' }))).toBe('unsupported_codec');
    expect(codeOf(mp3({ codec_name: 'alac' }))).toBe('ok');
  });

  it('takes the PCM variants WAV carries and nothing that only looks like them', () => {
    for (const codec of ['pcm_s16le', 'pcm_s24le', 'pcm_s32be', 'pcm_u8', 'pcm_f32le', 'pcm_f64be', 'pcm_mulaw', 'pcm_alaw']) {
      expect(isAcceptedAudioCodec(codec), codec).toBe(true);
    }
    for (const codec of ['pcm_bluray', 'pcm_dvd', 'pcm_s16le_planar', 'adpcm_ima_wav', 'wavpack', 'ape']) {
      expect(isAcceptedAudioCodec(codec), codec).toBe(false);
    }
  });
});
