import { ERRORS } from '@darkroom/core/error-factories';
import { ACCEPTED_VIDEO_CODECS } from './ffmpeg.js';
import type { VideoProbe } from './types.js';

/** The parts of `ffprobe -print_format json -show_format -show_streams` we read. Everything is optional: it's a hostile file's story. */
export interface FfprobeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  /** Audio streams: ffprobe prints the rate as a string, the channels as a number. */
  sample_rate?: string;
  channels?: number;
  width?: number;
  height?: number;
  pix_fmt?: string;
  sample_aspect_ratio?: string;
  bits_per_raw_sample?: string;
  color_transfer?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  start_time?: string;
  nb_frames?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

export interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; start_time?: string; tags?: Record<string, string> };
}

/**
 * Turns ffprobe's JSON into a VideoProbe, refusing what can't be rendered: no picture (audio-only,
 * cover art only), no usable size or duration, zero frames, a codec outside the allowlist or that
 * this ffmpeg can't decode. Limits are checked by the caller.
 */
export function parseProbe(output: FfprobeOutput, decodable: ReadonlySet<string>, measuredDuration?: number): VideoProbe {
  const streams = output.streams ?? [];
  const video = pickVideoStream(output);
  if (!video || video.index === undefined) throw ERRORS.corruptVideo('no video stream', { streams: streams.map((s) => s.codec_type) });
  const codec = video.codec_name ?? video.codec_tag_string ?? 'unknown';
  if (!ACCEPTED_VIDEO_CODECS.has(codec) || !decodable.has(codec)) {
    throw ERRORS.unsupportedCodec(codec, `video codec ${codec} (tag ${video.codec_tag_string ?? '?'}) is not decodable here`);
  }
  const codedWidth = video.width ?? 0;
  const codedHeight = video.height ?? 0;
  if (!(codedWidth > 0 && codedHeight > 0)) throw ERRORS.corruptVideo(`video stream has no frame size (${codedWidth}x${codedHeight})`);
  const durationSeconds = declaredDuration(output) ?? measuredDuration;
  if (durationSeconds === undefined || durationSeconds <= 0) throw ERRORS.corruptVideo(`no usable duration (${output.format?.duration})`);
  const frames = integer(video.nb_frames);
  if (frames === 0) throw ERRORS.corruptVideo('the video stream has 0 frames');
  const rotation = rotationOf(video);
  const turned = rotation === 90 || rotation === 270;
  // Non-square pixels (anamorphic DV, some camera modes) are shown wider or narrower than stored.
  const displayWidth = Math.max(1, Math.round(codedWidth * pixelAspect(video.sample_aspect_ratio)));
  const audioStream = streams.find((s) => s.codec_type === 'audio');
  const audioCodec = audioStream ? (audioStream.codec_name ?? audioStream.codec_tag_string ?? 'unknown') : null;
  // An audio track this ffmpeg can't decode (a new phone's codec) is dropped rather than failing the whole video.
  const audio = audioStream?.index !== undefined && audioCodec !== null && decodable.has(audioCodec);
  return {
    container: containerOf(output, streams),
    width: turned ? codedHeight : displayWidth,
    height: turned ? displayWidth : codedHeight,
    rotation,
    codedWidth,
    codedHeight,
    durationSeconds,
    codec,
    fps: frameRate(video, frames, durationSeconds),
    audio,
    audioCodec,
    frames: frames ?? null,
    bitDepth: bitDepthOf(video),
    hdr: hdrOf(video.color_transfer),
    videoStreamIndex: video.index,
    audioStreamIndex: audio ? (audioStream?.index ?? null) : null,
  };
}

/**
 * When the video stream's last frame should end, on the packets' clock (start time included).
 * MP4 gives each stream a duration, Matroska a DURATION tag; else the file's. Audio may run
 * longer than the picture, so the file's duration is the last resort.
 */
export function videoEndSeconds(output: FfprobeOutput, probe: VideoProbe): number {
  const video = output.streams?.find((s) => s.index === probe.videoStreamIndex);
  const start = finite(video?.start_time) ?? finite(output.format?.start_time) ?? 0;
  const duration = finite(video?.duration) ?? clockSeconds(video?.tags?.DURATION) ?? probe.durationSeconds;
  return start + duration;
}

/** Where the file's clock starts (its packets' times less this are counted from its start, as `-ss` counts). */
export function clockStartSeconds(output: FfprobeOutput): number {
  return finite(output.format?.start_time) ?? 0;
}

/** `00:00:02.000000000` → 2. */
function clockSeconds(text: string | undefined): number | undefined {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text ?? '');
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** The picture: the first video stream that is not cover art (an audio file's album image is a one-frame "video"). */
export function pickVideoStream(output: FfprobeOutput): FfprobeStream | undefined {
  return output.streams?.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
}

/** The duration the file states; a WebM recorded live (a browser's MediaRecorder) states none. */
export function declaredDuration(output: FfprobeOutput): number | undefined {
  const seconds = finite(output.format?.duration) ?? finite(pickVideoStream(output)?.duration);
  return seconds !== undefined && seconds > 0 ? seconds : undefined;
}

function finite(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(n) ? n : undefined;
}

function integer(text: string | undefined): number | undefined {
  const n = finite(text);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * ffprobe reports the display matrix as counter-clockwise degrees (90, -90, 180); older files may
 * carry a `rotate` tag instead, which means clockwise. Turned into clockwise 0/90/180/270.
 */
export function rotationOf(stream: FfprobeStream): VideoProbe['rotation'] {
  const matrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const tag = finite(stream.tags?.rotate);
  const clockwise = matrix !== undefined ? -matrix : (tag ?? 0);
  const quarter = Math.round(clockwise / 90);
  return ((((quarter % 4) + 4) % 4) * 90) as VideoProbe['rotation'];
}

/** `30000/1001` → 29.97. A variable frame rate file still has an average; `0/0` (unknown) falls back. */
export function frameRate(stream: FfprobeStream, frames: number | undefined, durationSeconds: number): number {
  for (const candidate of [stream.avg_frame_rate, stream.r_frame_rate]) {
    const rate = ratio(candidate);
    if (rate !== undefined && rate > 0 && rate <= 1000) return round3(rate);
  }
  return frames && durationSeconds > 0 ? round3(frames / durationSeconds) : 0;
}

/** `32:27` → 1.185; square, unknown (`0:1`) or absurd ratios count as square. */
function pixelAspect(text: string | undefined): number {
  const match = /^(\d+):(\d+)$/.exec(text ?? '');
  const aspect = match ? Number(match[1]) / Number(match[2]) : 1;
  return aspect >= 0.25 && aspect <= 4 ? aspect : 1;
}

function ratio(text: string | undefined): number | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!match) return undefined;
  const denominator = Number(match[2]);
  return denominator > 0 ? Number(match[1]) / denominator : undefined;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function bitDepthOf(stream: FfprobeStream): number {
  const fromFormat = /p0?(\d{2})(?:le|be)$/.exec(stream.pix_fmt ?? '')?.[1];
  if (fromFormat) return Number(fromFormat);
  return integer(stream.bits_per_raw_sample) ?? 8;
}

function hdrOf(transfer: string | undefined): VideoProbe['hdr'] {
  if (transfer === 'arib-std-b67') return 'hlg';
  if (transfer === 'smpte2084') return 'pq';
  return null;
}

const WEBM_CODECS = new Set(['vp8', 'vp9', 'av1', 'opus', 'vorbis']);

/** ffprobe names demuxers, not files: QuickTime is told from MP4 by its brand, WebM from Matroska by its codecs. */
function containerOf(output: FfprobeOutput, streams: FfprobeStream[]): string {
  const name = output.format?.format_name ?? '';
  if (name.startsWith('mov')) return output.format?.tags?.major_brand?.trim() === 'qt' ? 'mov' : 'mp4';
  if (name.startsWith('matroska')) {
    const media = streams.filter((s) => s.codec_type === 'video' || s.codec_type === 'audio');
    return media.every((s) => WEBM_CODECS.has(s.codec_name ?? '')) ? 'webm' : 'mkv';
  }
  return name;
}
