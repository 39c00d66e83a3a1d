import type { VideoVariantSpec } from '@darkroom/core/presets';

/** What ffprobe says about a video, read from the container before any frame is decoded. */
export interface VideoProbe {
  /** `mp4` / `mov` (QuickTime brand) / `webm` / `mkv` (Matroska holding other codecs). */
  container: 'mp4' | 'mov' | 'webm' | string;
  /** As displayed: after the rotation below (90/270 swap the coded width and height). */
  width: number;
  height: number;
  /** Clockwise degrees the stored frames are turned by to display them (display matrix or legacy `rotate` tag). */
  rotation: 0 | 90 | 180 | 270;
  /** As stored in the stream, before rotation. */
  codedWidth: number;
  codedHeight: number;
  durationSeconds: number;
  /** ffmpeg's codec name of the video stream: `h264`, `hevc`, `vp9`, `av1`, … */
  codec: string;
  /** Average frame rate (variable frame rate videos included); 0 when the file gives no usable rate. */
  fps: number;
  /** A decodable audio track will be carried into renditions. */
  audio: boolean;
  /** The first audio track's codec, decodable or not; null when there is no audio track. */
  audioCodec: string | null;
  /** Frames the container declares (MP4/MOV do; WebM does not); null when unknown. */
  frames: number | null;
  /** Bits per sample of the video: 8, 10, 12. */
  bitDepth: number;
  /** High dynamic range transfer, from the stream's colour tags. */
  hdr: 'hlg' | 'pq' | null;
  /** ffprobe's index of the video stream renditions and posters use (files may carry more than one). */
  videoStreamIndex: number;
  /** ffprobe's index of the audio stream carried over, or null. */
  audioStreamIndex: number | null;
}

export interface VideoLimits {
  maxDurationSeconds: number;
  /** Largest width×height of one frame. */
  maxPixels: number;
}

export interface ProbeVideoOptions extends VideoLimits {
  signal?: AbortSignal;
  /** Default `PROBE_TIMEOUT_MS`. */
  timeoutMs?: number;
}

export interface PosterOptions {
  signal?: AbortSignal;
  /** For all the frame grabs together. Default `POSTER_TIMEOUT_MS`. */
  timeoutMs?: number;
}

export interface VideoRenditionSpec {
  /** `mp4`: H.264 + AAC with `+faststart`; `webm`: VP9 + Opus. */
  format: 'mp4' | 'webm';
  fit: VideoVariantSpec['fit'];
  /** The box; a missing side is unbounded. Never upscaled. */
  width?: number;
  height?: number;
  /** 1..100, higher = better: mapped to a CRF (see `crfFor`). */
  quality: number;
  /** Seconds from the start: a preview clip. */
  maxDuration?: number;
  /** Default true; false drops the audio track. */
  audio?: boolean;
}

export interface TranscodeOptions {
  /** Where the rendition goes; written beside it under a temporary name, renamed here on success. */
  outputPath: string;
  /** Threads ffmpeg and its encoder may use. */
  threads: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** 0..1 of the (capped) duration; at most once a second, never backwards. */
  onProgress?: (fraction: number) => void;
}

export interface TranscodeResult {
  path: string;
  width: number;
  height: number;
  durationSeconds: number;
  /** Bytes. */
  size: number;
  contentType: string;
  /** HDR was mapped to SDR BT.709. */
  toneMapped: boolean;
  /** HDR was kept as is (this ffmpeg can't tone-map); colour tags carried over. */
  hdrKept: boolean;
}

/** An adaptive ladder (HLS): the box every rung stays inside, the quality of each, its segments' length. */
export interface HlsLadderSpec {
  width: number;
  height: number;
  /** 1..100, as for a rendition (the same CRF, `crfFor('mp4', …)`). */
  quality: number;
  /** Target length of a segment; every rung is cut at the same times. */
  segmentSeconds: number;
  /** Default true; false drops the audio track. */
  audio?: boolean;
}

export interface HlsLadderOptions {
  /** A directory of its own, created here; the ladder's files are written into it and nothing else. */
  outputDir: string;
  threads: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** 0..1 of the duration; at most once a second, never backwards. */
  onProgress?: (fraction: number) => void;
}

export interface HlsFile {
  /** The file's name in `outputDir`: the name the playlists use for it (a relative URL). */
  name: string;
  path: string;
  contentType: string;
  size: number;
}

export interface HlsRung {
  width: number;
  height: number;
  /** Bits per second: the highest of any segment (`BANDWIDTH`). */
  bandwidth: number;
  /** Bits per second over the whole rung (`AVERAGE-BANDWIDTH`). */
  averageBandwidth: number;
  /** RFC 6381 names of the rung's codecs, e.g. `avc1.64001f,mp4a.40.2`. */
  codecs: string;
  /** The rung's media playlist, a name in `outputDir`. */
  playlist: string;
  /** The rung's init segment and media segments, in order (their concatenation is one fragmented MP4). */
  segments: string[];
  /** Its length as a player (and ffprobe) reads it: the sum of its playlist's segment durations. */
  seconds: number;
}

export interface HlsLadderResult {
  dir: string;
  /** The master playlist's name in `dir`. */
  master: string;
  /** Every file of the ladder, the master playlist included. */
  files: HlsFile[];
  /** Highest first. */
  rungs: HlsRung[];
  durationSeconds: number;
  /** Bytes of all files together. */
  size: number;
  toneMapped: boolean;
  hdrKept: boolean;
}
