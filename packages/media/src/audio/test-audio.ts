/**
 * Audio files for the tests, good and hostile, made with ffmpeg's lavfi sources or by hand (not a
 * test file itself, so vitest doesn't collect it). Each is made once per test process, on first
 * use, into one temporary directory.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpeg } from '../video/test-clips.js';

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
  /** An MP4 with a picture and no sound at all. */
  'no-sound.m4a': (out) =>
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=5:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'ipod', out]),
  /** A WAV of IMA ADPCM: ffmpeg decodes it, but no podcast or music file is made so, so it is not on our list. */
  'adpcm.wav': (out) => ffmpeg([...SINE(1), '-c:a', 'adpcm_ima_wav', out]),
} satisfies Record<string, Recipe>;

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
