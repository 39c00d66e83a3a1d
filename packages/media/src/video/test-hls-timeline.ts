/**
 * What ffprobe reads in a rendered rung, segment by segment, for the tests of ladders: the rung's
 * init segment and segments concatenated (one fragmented MP4), each packet assigned to the segment
 * its bytes are in. Not a test file itself, so vitest doesn't collect it.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseMediaPlaylist } from './hls-playlist.js';

const run = promisify(execFile);

interface Packet {
  kind: 'video' | 'audio';
  pts: number;
  duration: number;
  key: boolean;
  pos: number;
}

export interface SegmentTimeline {
  /** The playlist's EXTINF. */
  listedSeconds: number;
  /** The first video packet in the segment's bytes (decode order) is a keyframe. */
  startsWithKeyframe: boolean;
  /** Presentation times of the segment's video: its earliest frame, and the end of its latest. */
  videoStart: number;
  videoEnd: number;
}

export interface RungTimeline {
  segments: SegmentTimeline[];
  /** The rung's frame duration (its most common packet duration). */
  frame: number;
  videoEnd: number;
  audioEnd: number | null;
  /** Presentation times of every video frame, sorted. */
  framePts: number[];
}

export async function rungTimeline(dir: string, playlist: string): Promise<RungTimeline> {
  const listed = parseMediaPlaylist(await readFile(join(dir, playlist), 'utf8'));
  const names = [listed.init, ...listed.segments.map((s) => s.name)];
  const bounds: number[] = [];
  let offset = 0;
  for (const name of names) {
    offset += (await stat(join(dir, name))).size;
    bounds.push(offset);
  }
  const joined = join(dir, '..', `${playlist}.${Date.now()}.joined.mp4`);
  await writeFile(joined, Buffer.concat(await Promise.all(names.map((n) => readFile(join(dir, n))))));
  const packets = await packetsOf(joined).finally(() => rm(joined, { force: true }));
  const segments = listed.segments.map((segment, i) => {
    const inside = packets.filter((p) => p.kind === 'video' && p.pos >= bounds[i]! && p.pos < bounds[i + 1]!);
    return {
      listedSeconds: segment.seconds,
      startsWithKeyframe: inside[0]?.key === true,
      videoStart: Math.min(...inside.map((p) => p.pts)),
      videoEnd: Math.max(...inside.map((p) => p.pts + p.duration)),
    };
  });
  const video = packets.filter((p) => p.kind === 'video');
  const audio = packets.filter((p) => p.kind === 'audio');
  return {
    segments,
    frame: mode(video.map((p) => p.duration)),
    videoEnd: Math.max(...video.map((p) => p.pts + p.duration)),
    audioEnd: audio.length > 0 ? Math.max(...audio.map((p) => p.pts + p.duration)) : null,
    framePts: video.map((p) => p.pts).sort((a, b) => a - b),
  };
}

async function packetsOf(path: string): Promise<Packet[]> {
  const args = ['-v', 'error', '-show_entries', 'packet=codec_type,pts_time,duration_time,flags,pos:stream=codec_type', '-of', 'json', path];
  const { stdout } = await run('ffprobe', args, { maxBuffer: 256 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { packets: { codec_type: string; pts_time: string; duration_time: string; flags: string; pos: string }[] };
  return parsed.packets.map((p) => ({
    kind: p.codec_type === 'video' ? 'video' : 'audio',
    pts: Number(p.pts_time),
    // ffprobe gives the first audio packet of a fragmented MP4 (the encoder's priming) no duration.
    duration: Number.isFinite(Number(p.duration_time)) ? Number(p.duration_time) : 0,
    key: p.flags.startsWith('K'),
    pos: Number(p.pos),
  }));
}

function mode(values: readonly number[]): number {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v.toFixed(6), (counts.get(v.toFixed(6)) ?? 0) + 1);
  return Number([...counts].sort((a, b) => b[1] - a[1])[0]![0]);
}
