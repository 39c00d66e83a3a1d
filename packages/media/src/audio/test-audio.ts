/**
 * Audio files for the tests, good and hostile, made with ffmpeg's lavfi sources or by hand (not a
 * test file itself, so vitest doesn't collect it). Each is made once per test process, on first
 * use, into one temporary directory.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { ffmpeg } from '../video/test-clips.js';

const run = promisify(execFile);

/** A tone at `volume` (1 = full scale), `seconds` long. */
const TONE = (seconds: number, volume: number, rate = 44_100, frequency = 440) => [
  '-f',
  'lavfi',
  '-i',
  `sine=frequency=${frequency}:sample_rate=${rate}:duration=${seconds},volume=${volume}`,
];
/** Pink noise, speech-like in its spectrum, with a level that moves (so loudnorm can stay linear). */
const SPEECHLIKE = (seconds: number) => [
  '-f',
  'lavfi',
  '-i',
  `anoisesrc=color=pink:amplitude=0.2:duration=${seconds}:sample_rate=44100,volume='0.4+0.3*sin(2*PI*t/3)':eval=frame`,
];
/** A red square, as an embedded picture (`attached_pic`). */
const COVER = (size: string, codec: 'mjpeg' | 'png' = 'mjpeg') => ({
  input: ['-f', 'lavfi', '-i', `color=red:size=${size}:duration=1`],
  output: ['-map', '0:a', '-map', '1:v', '-frames:v', '1', '-c:v', codec, '-disposition:v', 'attached_pic'],
});
const TAGS = ['-metadata', 'title=Secret episode', '-metadata', 'artist=Someone private', '-metadata', 'comment=internal note'];

const SINE = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`];
const SILENCE_8K = ['-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono'];

type Recipe = (out: string, file: (name: AudioName) => Promise<string>) => Promise<void>;

/** Seven hours of MPEG-2.5 Layer III at 8 kbit/s: 72-byte frames of 72 ms, 350,000 of them (25.2 MB). */
const SEVEN_HOURS_FRAMES = 350_000;
const MPEG25_FRAME_BYTES = 72;

const RECIPES = {
  /** 3 s of a 440 Hz tone, mono: one file per accepted type. */
  'tone.mp3': (out) => ffmpeg([...SINE(3), '-c:a', 'libmp3lame', '-b:a', '64k', out]),
  'tone.m4a': (out) => ffmpeg([...SINE(3), '-c:a', 'aac', '-b:a', '64k', out]),
  /** An audio-only MP4 as ffmpeg writes it by default: major brand `isom`, not `M4A `. */
  'tone.mp4': (out) => ffmpeg([...SINE(3), '-c:a', 'aac', '-b:a', '64k', out]),
  'tone.aac': (out) => ffmpeg([...SINE(3), '-c:a', 'aac', '-b:a', '64k', '-f', 'adts', out]),
  'tone.wav': (out) => ffmpeg([...SINE(3), '-c:a', 'pcm_s16le', out]),
  'tone.flac': (out) => ffmpeg([...SINE(3), '-c:a', 'flac', out]),
  'tone-opus.ogg': (out) => ffmpeg([...SINE(3), '-c:a', 'libopus', '-b:a', '32k', out]),
  'tone-vorbis.ogg': (out) => ffmpeg([...SINE(3), '-c:a', 'libvorbis', out]),
  /** Seven hours of silence, made from one real frame repeated (encoding seven hours would take minutes). */
  'seven-hours.mp3': async (out) => {
    const sample = `${out}.sample.mp3`;
    await ffmpeg([...SILENCE_8K, '-t', '2', '-c:a', 'libmp3lame', '-b:a', '8k', '-write_xing', '0', '-id3v2_version', '0', sample]);
    const bytes = await readFile(sample);
    // A frame from the middle: the first carries the encoder's tag, and its neighbours are alike.
    const at = Math.floor(bytes.length / MPEG25_FRAME_BYTES / 2) * MPEG25_FRAME_BYTES;
    const frame = bytes.subarray(at, at + MPEG25_FRAME_BYTES);
    if (frame[0] !== 0xff || frame.length !== MPEG25_FRAME_BYTES) throw new Error('the sample is not 72-byte MPEG-2.5 frames');
    const whole = Buffer.alloc(SEVEN_HOURS_FRAMES * MPEG25_FRAME_BYTES);
    for (let i = 0; i < SEVEN_HOURS_FRAMES; i++) frame.copy(whole, i * MPEG25_FRAME_BYTES);
    await writeFile(out, whole);
  },
  /** A 3 s WAV whose `data` chunk claims 4 GB (0xFFFFFFF0 bytes) and its RIFF size to match. */
  'claims-4gb.wav': async (out, file) => {
    const bytes = Buffer.from(await readFile(await file('tone.wav')));
    const data = bytes.indexOf('data', 12, 'latin1');
    bytes.writeUInt32LE(0xfffffff0, data + 4);
    bytes.writeUInt32LE(0xfffffff8, 4);
    await writeFile(out, bytes);
  },
  /** Plain text named `.mp3`. */
  'text.mp3': (out) => writeFile(out, 'This is the transcript of the episode, not its audio.\n'.repeat(40)),
  /** An MP3 with frames (its ID3 tag and the encoder's Info frame) and zero duration: ffmpeg's `-t 0`. */
  'zero-duration.mp3': (out) => ffmpeg([...SINE(1), '-t', '0', '-c:a', 'libmp3lame', out]),
  /** An MP3 of one second whose Xing header claims 200,000 frames (about 87 minutes). */
  'xing-lies.mp3': async (out) => {
    const real = `${out}.real.mp3`;
    await ffmpeg([...SINE(1), '-c:a', 'libmp3lame', '-b:a', '64k', real]);
    const bytes = Buffer.from(await readFile(real));
    const xing = Math.max(bytes.indexOf('Xing'), bytes.indexOf('Info'));
    bytes.writeUInt32BE(200_000, xing + 8); // after the tag and its flags (frames present)
    await writeFile(out, bytes);
  },
  /** An M4A with its index first, cut in half: the index promises samples the file no longer holds. */
  'truncated.m4a': async (out) => {
    const whole = `${out}.whole.m4a`;
    await ffmpeg([...SINE(20), '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', whole]);
    const bytes = await readFile(whole);
    await writeFile(out, bytes.subarray(0, Math.floor(bytes.length / 2)));
  },
  /**
   * Headers stating less than the file holds. A VBR MP3 without a Xing header, 5 s of noise then 60 s
   * of silence: ffprobe times it by its first frames' rate (about 20 s). Ten minutes of sound under
   * a header stating one second: two Ogg Vorbis streams chained (ffprobe times a file by its last
   * page, the one-second stream's), and an M4A whose mvhd, tkhd and mdhd durations were rewritten.
   */
  'vbr-no-xing.mp3': (out) => {
    const loudThenSilent = '[0]atrim=0:5[n];[1]atrim=0:60[s];[n][s]concat=n=2:v=0:a=1';
    const inputs = ['-f', 'lavfi', '-i', 'anoisesrc=amplitude=0.5', '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono'];
    return ffmpeg([...inputs, '-filter_complex', loudThenSilent, '-ac', '1', '-c:a', 'libmp3lame', '-q:a', '0', '-write_xing', '0', out]);
  },
  'chained-short-last.ogg': async (out) => {
    const [long, short] = [`${out}.long.ogg`, `${out}.short.ogg`];
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=600:sample_rate=8000', '-c:a', 'libvorbis', '-q:a', '0', long]);
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=1:sample_rate=8000', '-c:a', 'libvorbis', short]);
    await writeFile(out, Buffer.concat([await readFile(long), await readFile(short)]));
  },
  'header-short.m4a': async (out) => {
    const whole = `${out}.whole.m4a`;
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=600:sample_rate=8000', '-c:a', 'aac', '-b:a', '16k', whole]);
    await writeFile(out, stateOneSecond(await readFile(whole)));
  },
  /**
   * An M4A stating one second: under a second of sound, then (30 s later on its clock, past where
   * the probe reads) ten minutes more.
   */
  'sound-after-a-gap.m4a': async (out) => {
    const whole = `${out}.whole.m4a`;
    const gap = ['-af', "asetpts='PTS+gte(T\\,0.9)*30/TB'"];
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=600:sample_rate=8000', ...gap, '-c:a', 'aac', '-b:a', '16k', whole]);
    await writeFile(out, stateOneSecond(await readFile(whole)));
  },
  /** An MP4 with a picture and no sound at all. */
  'no-sound.m4a': (out) =>
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=5:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'ipod', out]),
  /** A WAV of IMA ADPCM: ffmpeg decodes it, but no podcast or music file is made so, so it is not on our list. */
  'adpcm.wav': (out) => ffmpeg([...SINE(1), '-c:a', 'adpcm_ima_wav', out]),
  // What the render tests use: levels, channels, cover art.
  /** 6 s of pink noise at about -30 LUFS, stereo MP3 with a title and artist. */
  'quiet.mp3': (out) => ffmpeg([...SPEECHLIKE(6), '-ac', '2', ...TAGS, '-c:a', 'libmp3lame', '-b:a', '128k', out]),
  /** A 1 kHz tone at full scale: louder than any target, true peak near 0 dBTP. */
  'loud.wav': (out) => ffmpeg([...TONE(4, 1, 48_000, 1000), '-c:a', 'pcm_s16le', out]),
  /** A tone at about -23 LUFS with a 0.3 ms click near full scale every second: one gain to -16 LUFS would clip the clicks. */
  'peaky.wav': (out) => {
    const clicks = "aevalsrc='0.1*sin(2*PI*220*t)*(1+0.5*sin(2*PI*t/2))+if(lt(mod(t\\,1)\\,0.0003)\\,0.9*sin(2*PI*3000*t)\\,0)':s=44100:d=8";
    return ffmpeg(['-f', 'lavfi', '-i', clicks, '-c:a', 'pcm_s16le', out]);
  },
  'silence.flac': (out) => ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '3', '-c:a', 'flac', out]),
  /** 3 s tone, ID3 APIC cover art (64x64 JPEG) and tags. */
  'cover.mp3': (out) => {
    const cover = COVER('64x64');
    return ffmpeg([...TONE(3, 0.5), ...cover.input, ...cover.output, ...TAGS, '-c:a', 'libmp3lame', '-id3v2_version', '3', out]);
  },
  /** AAC in MP4 with `covr` cover art (PNG). */
  'cover.m4a': (out) => {
    const cover = COVER('48x32', 'png');
    return ffmpeg([...TONE(2, 0.5), ...cover.input, ...cover.output, ...TAGS, '-c:a', 'aac', out]);
  },
  /** FLAC with a `PICTURE` block. */
  'cover.flac': (out) => {
    const cover = COVER('32x32', 'png');
    return ffmpeg([...TONE(2, 0.5), ...cover.input, ...cover.output, '-c:a', 'flac', out]);
  },
  /** 5.1 channels, each a tone. */
  'surround.flac': (out) => ffmpeg([...TONE(2, 0.3), '-af', 'pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0', '-c:a', 'flac', out]),
  /** An APIC whose PNG header claims 16000x16000 (256 M pixels, over the default pixel limit) around 8x8 of data. */
  'cover-bomb.mp3': async (out) => {
    const png = `${out}.png`;
    await ffmpeg(['-f', 'lavfi', '-i', 'color=red:size=8x8', '-frames:v', '1', png]);
    const bytes = await readFile(png);
    bytes.writeUInt32BE(16_000, 16); // IHDR width, then height
    bytes.writeUInt32BE(16_000, 20);
    bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
    await writeFile(png, bytes);
    const picture = ['-map', '0:a', '-map', '1:v', '-c:v', 'copy', '-disposition:v', 'attached_pic'];
    await ffmpeg([...TONE(2, 0.5), '-i', png, ...picture, '-c:a', 'libmp3lame', '-id3v2_version', '3', out]);
  },
  /** Ten minutes of mono noise at 32 kbit/s (2.4 MB): its renders run long enough to be caught midway. */
  'long.mp3': (out) => ffmpeg([...SPEECHLIKE(600), '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '32k', out]),
  /** Three minutes of the same: renders for some seconds a pass, so progress is seen inside the job. */
  'minutes.mp3': (out) => ffmpeg([...SPEECHLIKE(180), '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '32k', out]),
} satisfies Record<string, Recipe>;

/** An MP4 (as ffmpeg writes it: version-0 boxes, one track) whose mvhd, tkhd and mdhd state one second. */
function stateOneSecond(mp4: Buffer): Buffer {
  const bytes = Buffer.from(mp4);
  // mvhd and mdhd hold the timescale, then the duration, 12 bytes into their body; tkhd its duration 20 bytes in, in mvhd's timescale.
  for (const box of ['mvhd', 'mdhd']) {
    const at = bytes.indexOf(box, 0, 'latin1') + 4;
    bytes.writeUInt32BE(bytes.readUInt32BE(at + 12), at + 16);
  }
  const tkhd = bytes.indexOf('tkhd', 0, 'latin1') + 4;
  bytes.writeUInt32BE(bytes.readUInt32BE(bytes.indexOf('mvhd', 0, 'latin1') + 16), tkhd + 20);
  return bytes;
}

export type AudioName = keyof typeof RECIPES;

let directory: Promise<string> | undefined;
const made = new Map<AudioName, Promise<string>>();

/** The path of a test audio file, made on first use. */
export function audioFile(name: AudioName): Promise<string> {
  let path = made.get(name);
  if (!path) {
    path = (async () => {
      directory ??= mkdtemp(join(tmpdir(), 'darkroom-audio-'));
      const out = join(await directory, name);
      await RECIPES[name](out, audioFile);
      return out;
    })();
    made.set(name, path);
  }
  return path;
}

/** Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's `ebur128` filter measures them: a second opinion, apart from loudnorm. */
export async function ebur128(path: string): Promise<{ integrated: number; truePeak: number }> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', path, '-af', 'ebur128=peak=true', '-f', 'null', '-']);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = Number(/I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary)?.[1]);
  const truePeak = Number(/Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1]);
  return { integrated, truePeak };
}
