/**
 * Video clips for the media tests, made with ffmpeg's lavfi sources (not a test file itself, so
 * vitest doesn't collect it). Each clip is made once per test process, on first use, into one
 * temporary directory; they are tiny (a few dozen pixels, a second or two) to keep tests fast.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { patchMp4Box } from './test-mp4-boxes.js';

const run = promisify(execFile);

export async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
}

/** How many video packets (frames) a file's first video stream holds, counted by ffprobe. */
export async function videoFrames(path: string): Promise<number> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', path];
  return Number((await run('ffprobe', args)).stdout.trim());
}

/** ffprobe's JSON for a file (format and streams). */
export async function ffprobeJson(path: string): Promise<FfprobeJson> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path]);
  return JSON.parse(stdout) as FfprobeJson;
}

export interface FfprobeJson {
  format: { duration?: string; tags?: Record<string, string> };
  streams: {
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    pix_fmt?: string;
    sample_aspect_ratio?: string;
    avg_frame_rate?: string;
    profile?: string;
    color_transfer?: string;
    color_primaries?: string;
    tags?: Record<string, string>;
    side_data_list?: { rotation?: number }[];
  }[];
}

const TESTSRC = (size: string, rate: number, seconds: number) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`];
const SINE = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const AAC = ['-c:a', 'aac', '-b:a', '64k'];
/** VP9 at its fastest: the clips are tiny and their quality is beside the point. */
const VP9 = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8'];

/** `seconds` of a 16x16 grey picture at 2 fps (a keyframe each second) over a quiet 8 kHz tone, as WebM: cheap to make and to read. */
export const QUIET_MINUTES = (seconds: number) => [
  ...['-f', 'lavfi', '-i', `color=gray:size=16x16:rate=2:duration=${seconds}`],
  ...['-f', 'lavfi', '-i', `sine=frequency=220:sample_rate=8000:duration=${seconds}`],
  ...[...VP9, '-g', '2', '-c:a', 'libopus', '-b:a', '8k', '-f', 'webm'],
];

/**
 * 64x48, a frame every half second for `seconds`, each a keyframe, in a WebM track whose default
 * frame duration claims 120 fps: what a rate filling every tick would repeat 60 times over.
 */
export const SPARSE = (seconds: number, out: string) => [
  ...TESTSRC('64x48', 120, (2 * seconds + 1) / 120),
  ...['-vf', "setpts='N*0.5/TB'", '-fps_mode', 'passthrough', '-r', '120', ...VP9, '-g', '1', '-f', 'webm', out],
];

/**
 * A WebM or Matroska file (as ffmpeg writes it) whose header states `seconds` instead: its Info's
 * Duration (an 8-byte float of milliseconds) and each track's DURATION tag (`HH:MM:SS.nnnnnnnnn`) rewritten.
 */
export function declareDuration(webm: Buffer, seconds: number): Buffer {
  const bytes = Buffer.from(webm);
  const at = bytes.indexOf(Buffer.from([0x44, 0x89, 0x88]));
  if (at < 0) throw new Error('declareDuration: no 8-byte Duration element');
  bytes.writeDoubleBE(seconds * 1000, at + 3);
  const clock = new Date(seconds * 1000).toISOString().slice(11, 23);
  const text = bytes.toString('latin1').replace(/\d{2}:\d{2}:\d{2}\.\d{9}/g, `${clock}000000`);
  return Buffer.from(text, 'latin1');
}

/** Makes a clip at `out`; `clip` gives the path of another clip it starts from. */
type Recipe = (out: string, clip: (name: string) => Promise<string>) => Promise<void>;

/** How each clip is made. */
const RECIPES = {
  /** 128x72, 2 s at 10 fps, with a sine tone. */
  'basic.mp4': (out) => ffmpeg([...TESTSRC('128x72', 10, 2), ...SINE(2), '-shortest', ...H264, ...AAC, out]),
  /** 10 s: long enough for progress to be reported more than once. */
  'ten-seconds.mp4': (out) => ffmpeg([...TESTSRC('128x72', 10, 10), ...SINE(10), '-shortest', ...H264, ...AAC, out]),
  /** 640x360, 5 s at 10 fps, with a tone: tall enough for a ladder of two rungs (360 and 240 lines). */
  'ladder.mp4': (out) => ffmpeg([...TESTSRC('640x360', 10, 5), ...SINE(5), '-shortest', ...H264, ...AAC, out]),
  /** 640x360, 12 s at 10 fps, with a tone: long enough for a player to start, switch rungs and go on playing. */
  'stream.mp4': (out) => ffmpeg([...TESTSRC('640x360', 10, 12), ...SINE(12), '-shortest', ...H264, ...AAC, out]),
  /** 320x180, 9 s at 29.97 fps (frames fall between segment boundaries), with a tone, and one keyframe: its first frame. */
  'one-keyframe.mp4': (out) =>
    ffmpeg([...TESTSRC('320x180', 30000 / 1001, 9), ...SINE(9), '-shortest', ...H264, '-g', '100000', '-sc_threshold', '0', ...AAC, out]),
  /** 320x180, 10 s at 25 fps of lossless noise (about 28 MB, index first): what a ranged read of a part of it saves shows. */
  'noisy.mp4': (out) =>
    ffmpeg([...TESTSRC('320x180', 25, 10), '-vf', 'noise=alls=60:allf=t', ...H264, '-qp', '0', '-g', '50', '-movflags', '+faststart', out]),
  /** 128x72, 12 s at 10 fps, a keyframe every second (as cameras and phones write them), with a tone. */
  'keyframe-each-second.mp4': (out) => ffmpeg([...TESTSRC('128x72', 10, 12), ...SINE(12), '-shortest', ...H264, '-g', '10', ...AAC, out]),
  /** 16x16 at 2 fps (a keyframe each second) over a quiet 8 kHz tone, 5 minutes of WebM: cheap to make and to read. */
  'five-quiet-minutes.webm': (out) => ffmpeg([...QUIET_MINUTES(300), out]),
  /** The same, its header declaring 20 s: streams running on past what the file states. */
  'runs-past-header.webm': async (out, clip) => writeFile(out, declareDuration(await readFile(await clip('five-quiet-minutes.webm')), 20)),
  /** 12 s of picture whose edit list shows its first 6 s (as a phone's gallery trims a clip): the later packets are only decoded. */
  'trimmed-by-edit-list.mp4': async (out) => {
    await ffmpeg([...TESTSRC('128x72', 10, 12), '-c:v', 'libx264', '-preset', 'fast', '-pix_fmt', 'yuv420p', `${out}.whole.mp4`]);
    const bytes = Buffer.from(await readFile(`${out}.whole.mp4`));
    const halve = (at: number) => (b: Buffer, start: number) => b.writeUInt32BE(Math.floor(b.readUInt32BE(start + at) / 2), start + at);
    patchMp4Box(bytes, ['moov', 'mvhd'], halve(24));
    patchMp4Box(bytes, ['moov', 'trak', 'tkhd'], halve(28));
    patchMp4Box(bytes, ['moov', 'trak', 'edts', 'elst'], halve(16));
    await writeFile(out, bytes);
  },
  /** A frame every half second for 45 s (all keyframes), in a WebM track that claims 120 fps: a sparse file whose rate lies. */
  'sparse.webm': (out) => ffmpeg(SPARSE(45, out)),
  /** 4 s at 120 fps, as phones film slow motion: long enough for two chunks. */
  'slow-motion.mp4': (out) => ffmpeg([...TESTSRC('64x48', 120, 4), ...SINE(4), '-shortest', ...H264, ...AAC, out]),
  /** 160x90, 3 minutes at 25 fps, with a tone: long enough for audio and video to drift apart, were they going to. */
  /** The picture ends at 5 s, the sound runs to 13 s: the file's duration is its longest stream's. */
  'sound-outlasts-picture.mp4': (out) => ffmpeg([...TESTSRC('128x72', 10, 5), ...SINE(13), ...H264, ...AAC, out]),
  'three-minutes.mp4': (out) => ffmpeg([...TESTSRC('160x90', 25, 180), ...SINE(180), '-shortest', ...H264, ...AAC, out]),
  /** basic, turned by a display matrix (the legacy `rotate` tag, written without re-encoding). */
  'rotated.mp4': async (out, clip) => ffmpeg(['-i', await clip('basic.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', out]),
  /** 1 s at 5 fps then 1 s at 25 fps, timestamps kept: a variable frame rate. */
  'vfr.mp4': (out) =>
    ffmpeg([
      ...TESTSRC('128x72', 5, 1),
      ...TESTSRC('128x72', 25, 1),
      '-filter_complex',
      '[0:v][1:v]concat=n=2:v=1:a=0[v]',
      '-map',
      '[v]',
      '-fps_mode',
      'vfr',
      ...H264,
      out,
    ]),
  /** 120 fps, as phones film slow motion. */
  'high-frame-rate.mp4': (out) => ffmpeg([...TESTSRC('64x48', 120, 1), ...H264, out]),
  /** Stored 64x72 with 2:1 pixels: displayed 128x72. */
  'anamorphic.mp4': (out) => ffmpeg([...TESTSRC('64x72', 10, 1), '-vf', 'setsar=2', ...H264, out]),
  'no-audio.mp4': (out) => ffmpeg([...TESTSRC('128x72', 10, 1), ...H264, out]),
  'ten-bit.mp4': (out) => ffmpeg([...TESTSRC('128x72', 10, 1), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le', out]),
  'vp9.webm': (out) => ffmpeg([...TESTSRC('128x72', 10, 1), ...SINE(1), '-shortest', ...VP9, '-c:a', 'libopus', out]),
  /** WebM written to a pipe, as a browser's MediaRecorder does: no duration in the header, no index. */
  'live.webm': async (out) => {
    const args = ['-hide_banner', '-nostdin', '-v', 'error', ...TESTSRC('128x72', 10, 3), ...VP9, '-f', 'webm', 'pipe:1'];
    const { stdout } = await run('ffmpeg', args, { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 });
    await writeFile(out, stdout);
  },
  'hevc.mov': (out) =>
    ffmpeg([
      ...TESTSRC('128x72', 10, 1),
      ...SINE(1),
      '-shortest',
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-x265-params',
      'log-level=error',
      '-tag:v',
      'hvc1',
      ...AAC,
      out,
    ]),
  /** FFV1 (a lossless archival codec) in Matroska: decodable by ffmpeg, but outside the accepted codecs. */
  'ffv1.mkv': (out) => ffmpeg([...TESTSRC('128x72', 10, 1), '-c:v', 'ffv1', out]),
  /** A black first second, then a test pattern: the poster must not be black. */
  'black-start.mp4': (out) =>
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'color=black:size=128x72:rate=10:duration=1',
      ...TESTSRC('128x72', 10, 1),
      '-filter_complex',
      '[0:v][1:v]concat=n=2:v=1:a=0[v]',
      '-map',
      '[v]',
      ...H264,
      out,
    ]),
  'all-black.mp4': (out) => ffmpeg(['-f', 'lavfi', '-i', 'color=black:size=128x72:rate=10:duration=1', ...H264, out]),
  /** 10-bit, tagged HLG on BT.2020 (what an iPhone records in HDR mode). */
  'hlg.mp4': (out) =>
    ffmpeg([
      ...TESTSRC('128x72', 10, 1),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p10le',
      '-color_primaries',
      'bt2020',
      '-color_trc',
      'arib-std-b67',
      '-colorspace',
      'bt2020nc',
      out,
    ]),
  /** A QuickTime file carrying a location the way iPhones do, plus a title. */
  'located.mov': async (out, clip) =>
    ffmpeg([
      '-i',
      await clip('basic.mp4'),
      '-c',
      'copy',
      '-map_metadata',
      '-1',
      '-movflags',
      'use_metadata_tags',
      '-metadata',
      'location=+37.3349-122.0090/',
      '-metadata',
      'com.apple.quicktime.location.ISO6709=+37.3349-122.0090+010.000/',
      '-metadata',
      'title=Secret place',
      '-metadata',
      'creation_time=2024-05-01T10:00:00Z',
      out,
    ]),
  /** A real frame of 4112x2160: over the default VIDEO_MAX_PIXELS (4096x2160), one black frame. */
  'too-wide.mp4': (out) => ffmpeg(['-f', 'lavfi', '-i', 'color=black:size=4112x2160:rate=1:duration=1', ...H264, out]),
  /** Two hours at 1 fps of 16x16 grey: made in under a second, refused before anything decodes. */
  'two-hours.mp4': (out) => ffmpeg(['-f', 'lavfi', '-i', 'color=gray:size=16x16:rate=1:duration=7200', ...H264, out]),
  'audio-only.mp4': (out) => ffmpeg([...SINE(1), ...AAC, out]),
  'text.mp4': (out) => writeFile(out, 'This is a text file, not a video.\n'),
  /** 3 s with its index (moov) first, cut at 60%: opens, but the last frames are missing. */
  'truncated.mp4': async (out) => {
    const whole = `${out}.whole.mp4`;
    await ffmpeg([...TESTSRC('128x72', 10, 3), ...SINE(3), '-shortest', ...H264, ...AAC, '-movflags', '+faststart', whole]);
    const bytes = await readFile(whole);
    await writeFile(out, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  },
  /** A camera-style file (index at the end), cut before its index arrived. */
  'no-moov.mp4': async (out, clip) => {
    const bytes = await readFile(await clip('basic.mp4'));
    await writeFile(out, bytes.subarray(0, bytes.indexOf('moov') - 4));
  },
  /** A video track whose sample tables list no samples. */
  'zero-frames.mp4': async (out, clip) => {
    const bytes = Buffer.from(await readFile(await clip('no-audio.mp4')));
    for (const [box, at] of [
      ['stsz', 16],
      ['stts', 12],
      ['stsc', 12],
      ['stco', 12],
    ] as const) {
      patchMp4Box(bytes, ['moov', 'trak', 'mdia', 'minf', 'stbl', box], (b, start) => b.writeUInt32BE(0, start + at));
    }
    await writeFile(out, bytes);
  },
  /** tkhd and the avc1 sample entry claim 65535x65535 and the H.264 parameter sets (avcC) are gone. */
  'claims-65535.mp4': async (out, clip) => {
    const bytes = claim65535(Buffer.from(await readFile(await clip('no-audio.mp4'))));
    bytes.write('xxxx', bytes.indexOf('avcC'), 'latin1');
    await writeFile(out, bytes);
  },
  /** The same claim with the parameter sets left in: the decoder's real size is what counts. */
  'claims-65535-with-sps.mp4': async (out, clip) => {
    await writeFile(out, claim65535(Buffer.from(await readFile(await clip('no-audio.mp4')))));
  },
} satisfies Record<string, Recipe>;

export type ClipName = keyof typeof RECIPES;

function claim65535(bytes: Buffer): Buffer {
  patchMp4Box(bytes, ['moov', 'trak', 'tkhd'], (b, start, size) => {
    b.writeUInt32BE(65535 * 65536, start + size - 8); // 16.16 fixed point
    b.writeUInt32BE(65535 * 65536, start + size - 4);
  });
  patchMp4Box(bytes, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd'], (b, start) => {
    const entry = start + 16; // after the full box header and the entry count
    b.writeUInt16BE(65535, entry + 32);
    b.writeUInt16BE(65535, entry + 34);
  });
  return bytes;
}

let directory: Promise<string> | undefined;
const made = new Map<ClipName, Promise<string>>();

/** The path of a test clip, made on first use. */
export function clip(name: ClipName): Promise<string> {
  let path = made.get(name);
  if (!path) {
    path = (async () => {
      directory ??= mkdtemp(join(tmpdir(), 'darkroom-video-'));
      const out = join(await directory, name);
      await RECIPES[name](out, (other) => clip(other as ClipName));
      return out;
    })();
    made.set(name, path);
  }
  return path;
}

/** A fresh temporary directory for a test's outputs. */
export function outputDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'darkroom-video-out-'));
}
