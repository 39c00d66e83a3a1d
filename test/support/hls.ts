import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FetchedFile {
  url: string;
  status: number;
  headers: Headers;
  bytes: Buffer;
}

export interface FetchedRung {
  /** The master playlist's attributes of this rung (`BANDWIDTH`, `RESOLUTION`, …). */
  attributes: Record<string, string>;
  playlist: FetchedFile;
  /** The init segment, then the media segments, in playlist order. */
  segments: FetchedFile[];
  /** Each media segment's `#EXTINF` duration. */
  durations: number[];
}

async function get(url: string, headers: Record<string, string> = {}): Promise<FetchedFile> {
  const res = await fetch(url, { headers });
  return { url, status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** `A=1,B="x,y"` to `{ A: '1', B: 'x,y' }`. */
export function attributesOf(line: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of line.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) found[match[1]!] = match[2]!.replace(/^"|"$/g, '');
  return found;
}

/** Fetches a ladder as a player would, from its master playlist's URL, resolving every URI relative to the playlist that names it. */
export async function fetchLadder(masterUrl: string, headers: Record<string, string> = {}) {
  const master = await get(masterUrl, headers);
  const lines = master.bytes.toString('utf8').split('\n');
  const rungs: FetchedRung[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) continue;
    const playlist = await get(new URL(lines[i + 1]!, masterUrl).href, headers);
    const text = playlist.bytes.toString('utf8');
    const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
    const names = [init!, ...text.split('\n').filter((l) => l && !l.startsWith('#'))];
    const durations = [...text.matchAll(/#EXTINF:([\d.]+),/g)].map((m) => Number(m[1]));
    const segments = await Promise.all(names.map((name) => get(new URL(name, playlist.url).href, headers)));
    rungs.push({ attributes: attributesOf(line.slice('#EXT-X-STREAM-INF:'.length)), playlist, segments, durations });
  }
  return { master, rungs };
}

/**
 * Writes a fetched rung's playlist, init segment and segments into a directory of their own, under
 * the names its playlist gives them (a ladder's files are named flat, side by side), for tools that
 * read a rung from disk.
 */
export async function saveRung(rung: FetchedRung): Promise<{ dir: string; playlist: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-rung-'));
  const nameOf = (file: FetchedFile) => new URL(file.url).pathname.split('/').pop()!;
  for (const file of [rung.playlist, ...rung.segments]) await writeFile(join(dir, nameOf(file)), file.bytes);
  return { dir, playlist: nameOf(rung.playlist) };
}

/** The times of a rung's keyframes (two decimals), from its segments joined into one fragmented MP4. */
export async function keyframeTimesOf(files: readonly { bytes: Buffer }[]): Promise<string[]> {
  const path = join(await mkdtemp(join(tmpdir(), 'darkroom-rung-')), 'rung.mp4');
  await writeFile(path, Buffer.concat(files.map((f) => f.bytes)));
  return keyframeTimes(path);
}

export async function keyframeTimes(path: string): Promise<string[]> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time,key_frame', '-of', 'csv=p=0', path];
  const { stdout } = await run('ffprobe', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .map((line) => line.split(','))
    .filter(([key]) => key === '1')
    .map(([, time]) => Number(time).toFixed(2));
}
