import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FFMPEG, FFPROBE } from '../video/ffmpeg.js';
import { runProcess } from '../video/run-process.js';
import { audioFailure } from './errors.js';
import { untrustedAudioInput } from './input.js';

export const COVER_TIMEOUT_MS = 30_000;

/** Codecs of embedded pictures the image pipeline reads (it checks the bytes again); any other picture is passed over. */
const IMAGE_CODECS = new Set(['mjpeg', 'png', 'webp', 'gif', 'tiff']);

/** A stream list of a real file is a few KB; a file claiming thousands of streams must not fill memory. */
const MAX_LISTING_BYTES = 256 * 1024;

export interface CoverArtOptions {
  /** Where the picture's bytes go (as stored: JPEG, PNG, …). */
  outputPath: string;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/**
 * The cover art embedded in an audio file (ID3 `APIC`, MP4 `covr`, FLAC `PICTURE`: ffmpeg shows
 * each as an `attached_pic` stream), copied out as stored,
 * without decoding it: the image pipeline's own header checks and pixel limit decide whether it is
 * rendered. Null when there is none. The copy goes to disk, bounded by the original's own size.
 */
export async function extractCoverArt(path: string, options: CoverArtOptions): Promise<string | null> {
  const timeoutMs = options.timeoutMs ?? COVER_TIMEOUT_MS;
  const index = await coverStreamIndex(path, timeoutMs, options.signal);
  if (index === undefined) return null;
  const outputPath = resolve(options.outputPath);
  const partial = join(dirname(outputPath), `.${basename(outputPath)}.${randomUUID()}.part`);
  try {
    const args = ['-hide_banner', '-nostdin', '-v', 'error', ...untrustedAudioInput(path)];
    args.push('-map', `0:${index}`, '-map_metadata', '-1', '-c', 'copy', '-frames:v', '1', '-f', 'image2', '-update', '1', '-y', `file:${partial}`);
    const result = await runProcess(FFMPEG, args, { timeoutMs, signal: options.signal });
    if (result.timedOut || result.exitCode !== 0) throw audioFailure(result, timeoutMs, 'ffmpeg cover art');
    if ((await stat(partial).catch(() => undefined))?.size) {
      await rename(partial, outputPath);
      return outputPath;
    }
    return null; // an empty picture: as good as none
  } finally {
    await rm(partial, { force: true });
  }
}

interface StreamListing {
  streams?: { index?: number; codec_name?: string; disposition?: { attached_pic?: number } }[];
}

/** The first attached picture in a format the image pipeline reads. */
async function coverStreamIndex(path: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<number | undefined> {
  const args = ['-v', 'error', '-select_streams', 'v', '-show_entries', 'stream=index,codec_name:stream_disposition=attached_pic', '-of', 'json'];
  const result = await runProcess(FFPROBE, [...args, ...untrustedAudioInput(path)], { timeoutMs, signal, maxStdoutBytes: MAX_LISTING_BYTES });
  if (result.timedOut || result.overflowed || result.exitCode !== 0) throw audioFailure(result, timeoutMs, 'ffprobe cover art');
  let listing: StreamListing;
  try {
    listing = JSON.parse(result.stdout.toString('utf8')) as StreamListing;
  } catch {
    throw audioFailure({ ...result, exitCode: -1 }, timeoutMs, 'ffprobe printed no JSON');
  }
  const cover = listing.streams?.find((s) => s.disposition?.attached_pic === 1 && IMAGE_CODECS.has(s.codec_name ?? ''));
  return cover?.index;
}
