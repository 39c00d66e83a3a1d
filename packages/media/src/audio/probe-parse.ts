import { ERRORS } from '@darkroom/core/error-factories';
import type { FfprobeOutput, FfprobeStream } from '../video/probe-parse.js';

/** What ffprobe says about an audio file, read from its container before any sample is decoded. */
export interface AudioProbe {
  /** ffprobe's demuxer: `mp3`, `mov,mp4,m4a,3gp,3g2,mj2`, `aac`, `wav`, `flac`, `ogg`. */
  container: string;
  /** ffprobe's codec name: `mp3`, `aac`, `alac`, `flac`, `opus`, `vorbis`, `pcm_s16le`, … */
  codec: string;
  sampleRate: number;
  channels: number;
  durationSeconds: number;
  /** ffprobe's index of the audio stream renditions are made from. */
  audioStreamIndex: number;
  /** ffprobe's index of the embedded cover art (ID3 `APIC`, MP4 `covr`, FLAC `PICTURE`), or null. */
  coverArtStreamIndex: number | null;
}

/**
 * Audio codecs we decode: what podcasts, music files and recorders write. Anything rarer (DSD,
 * tracker formats, speech codecs) is refused as unsupported rather than fed to a decoder.
 */
const ACCEPTED_AUDIO_CODECS = new Set(['mp3', 'mp2', 'aac', 'alac', 'flac', 'opus', 'vorbis']);
/** Plain PCM as WAV carries it: integer 8 to 32 bits and float, either byte order, and the telephone laws. */
const PCM_CODEC = /^pcm_(?:[su](?:8|16|24|32)(?:le|be)?|f(?:32|64)(?:le|be)|alaw|mulaw)$/;

/** Beyond these a file is not a recording anyone made (ffmpeg's own limits are far wider). */
const MAX_SAMPLE_RATE = 768_000;
const MAX_CHANNELS = 32;

export function isAcceptedAudioCodec(codec: string): boolean {
  return ACCEPTED_AUDIO_CODECS.has(codec) || PCM_CODEC.test(codec);
}

/**
 * Turns ffprobe's JSON into an AudioProbe, refusing what can't be rendered: no audio stream, no
 * usable sample rate, channels or duration (corrupt_audio), a codec outside the allowlist or that
 * this ffmpeg can't decode (unsupported_codec). The duration limit is the caller's.
 */
export function parseAudioProbe(output: FfprobeOutput, decodable: ReadonlySet<string>): AudioProbe {
  const streams = output.streams ?? [];
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (audio?.index === undefined) throw ERRORS.corruptAudio('no audio stream', { streams: streams.map((s) => s.codec_type ?? null) });
  const codec = audio.codec_name ?? audio.codec_tag_string ?? 'unknown';
  if (!isAcceptedAudioCodec(codec) || !decodable.has(codec)) {
    throw ERRORS.unsupportedAudioCodec(codec, `audio codec ${codec} (tag ${audio.codec_tag_string ?? '?'}) is not decodable here`);
  }
  const sampleRate = positiveInteger(audio.sample_rate);
  const channels = positiveInteger(audio.channels);
  if (sampleRate === undefined || sampleRate > MAX_SAMPLE_RATE) throw ERRORS.corruptAudio(`no usable sample rate (${audio.sample_rate})`);
  if (channels === undefined || channels > MAX_CHANNELS) throw ERRORS.corruptAudio(`no usable channel count (${audio.channels})`);
  const durationSeconds = audioDuration(output, audio);
  if (durationSeconds === undefined) throw ERRORS.corruptAudio(`no usable duration (${output.format?.duration ?? audio.duration})`);
  const cover = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic === 1);
  return {
    container: output.format?.format_name ?? 'unknown',
    codec,
    sampleRate,
    channels,
    durationSeconds,
    audioStreamIndex: audio.index,
    coverArtStreamIndex: cover?.index ?? null,
  };
}

/** The file's duration, else the stream's; zero or less is none (an MP3 of tags and an empty Info frame). */
export function audioDuration(output: FfprobeOutput, audio: FfprobeStream): number | undefined {
  for (const text of [output.format?.duration, audio.duration]) {
    const seconds = Number(text);
    if (text !== undefined && text !== '' && Number.isFinite(seconds) && seconds > 0) return seconds;
  }
  return undefined;
}

function positiveInteger(value: string | number | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
}
