import { resolve } from 'node:path';
import { runProcess } from './run-process.js';

/** Debian's binaries, from PATH (scripts/services-up.sh and the Dockerfile install the `ffmpeg` package). */
export const FFMPEG = 'ffmpeg';
export const FFPROBE = 'ffprobe';

/**
 * Demuxers an upload may be read with: MP4/MOV and Matroska/WebM, the accepted types. Without the
 * list ffmpeg picks a demuxer by content, and a playlist (HLS, concat) named `.mp4` would make it
 * open other files or URLs; with it, and only the `file` protocol, the input is just that file.
 */
const DEMUXERS = 'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm';

/** Output options: nothing of the original beyond the mapped streams (no subtitles, data, tags or chapters, so no location). */
export const NO_ORIGINAL_METADATA = ['-sn', '-dn', '-map_metadata', '-1', '-map_chapters', '-1'] as const;

/** The options that must precede every untrusted input, then the input itself; `demuxers` are the ones it may be read with. */
export function untrustedInput(path: string, demuxers: string = DEMUXERS): string[] {
  // `file:` so that a name like `http:…` or `pipe:0` can never be read as another protocol.
  return ['-format_whitelist', demuxers, '-protocol_whitelist', 'file', '-i', `file:${resolve(path)}`];
}

/** Protocols an http(s) source may be read with: ffmpeg's http client over TCP, TLS for https. */
const HTTP_PROTOCOLS = 'http,https,tcp,tls';

/**
 * As `untrustedInput`, but `source` may also be an http(s) URL (a presigned GET of an original):
 * ffmpeg then reads it with ranged requests, only the byte ranges it needs. Only the URL's own
 * scheme is allowed; anything that is not an http(s) URL is a local path.
 */
export function untrustedSource(source: string, demuxers: string = DEMUXERS): string[] {
  const url = /^https?:\/\//i.test(source) ? new URL(source) : null;
  if (!url) return untrustedInput(source, demuxers);
  return ['-format_whitelist', demuxers, '-protocol_whitelist', HTTP_PROTOCOLS, '-i', url.href];
}

/** Video codecs we decode: the ones phones, cameras and browsers write. Anything rarer is refused, not fed to a decoder. */
export const ACCEPTED_VIDEO_CODECS = new Set(['h264', 'hevc', 'vp8', 'vp9', 'av1', 'mpeg4', 'mpeg2video', 'prores']);

let decodable: Promise<ReadonlySet<string>> | undefined;

/** Codec names this ffmpeg build can decode (`ffmpeg -codecs`, flag D), asked once per process. */
export function decodableCodecs(): Promise<ReadonlySet<string>> {
  decodable ??= listDecodableCodecs().catch((error: unknown) => {
    decodable = undefined; // let the next call try again
    throw error;
  });
  return decodable;
}

async function listDecodableCodecs(): Promise<ReadonlySet<string>> {
  const result = await runProcess(FFMPEG, ['-hide_banner', '-codecs'], { timeoutMs: 15_000 });
  if (result.exitCode !== 0) throw new Error(`ffmpeg -codecs failed: ${result.stderrTail}`);
  return parseDecodableCodecs(result.stdout.toString('utf8'));
}

/** Lines look like ` DEV.LS h264   H.264 / AVC …`; the first flag is D when a decoder exists. */
export function parseDecodableCodecs(listing: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const line of listing.split('\n')) {
    const match = /^ ([D.])[E.][VASDT.][I.][L.][S.] (\w[\w-]*)/.exec(line);
    if (match?.[1] === 'D' && match[2]) names.add(match[2]);
  }
  return names;
}

let filters: Promise<ReadonlySet<string>> | undefined;

/** Filter names this ffmpeg build has (`ffmpeg -filters`), asked once per process. */
export function availableFilters(): Promise<ReadonlySet<string>> {
  filters ??= listFilters().catch((error: unknown) => {
    filters = undefined;
    throw error;
  });
  return filters;
}

async function listFilters(): Promise<ReadonlySet<string>> {
  const result = await runProcess(FFMPEG, ['-hide_banner', '-filters'], { timeoutMs: 15_000 });
  if (result.exitCode !== 0) throw new Error(`ffmpeg -filters failed: ${result.stderrTail}`);
  const names = new Set<string>();
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const match = /^ [T.][S.][C.] (\S+)\s+\S+->\S+/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}
