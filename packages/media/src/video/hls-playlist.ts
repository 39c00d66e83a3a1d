import type { HlsRung } from './types.js';

/** What a media playlist ffmpeg wrote lists: its init segment and its segments with their durations. */
export interface MediaPlaylist {
  init: string;
  segments: { name: string; seconds: number }[];
}

/** A file name the ladder's playlists may name: a plain name in the same directory, nothing else. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Reads a media playlist of our own ffmpeg's writing; a name it did not write (a path, a URL) is refused. */
export function parseMediaPlaylist(text: string): MediaPlaylist {
  let init: string | undefined;
  let seconds: number | undefined;
  const segments: MediaPlaylist['segments'] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const map = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
    const inf = /^#EXTINF:([\d.]+),/.exec(line);
    if (map) init = plain(map[1]!);
    else if (inf) seconds = Number(inf[1]);
    else if (line && !line.startsWith('#')) {
      if (seconds === undefined) throw new Error(`media playlist: ${line} has no duration`);
      segments.push({ name: plain(line), seconds });
      seconds = undefined;
    }
  }
  if (!init || segments.length === 0) throw new Error('media playlist: no init segment or no segments');
  return { init, segments };
}

function plain(name: string): string {
  if (!PLAIN_NAME.test(name)) throw new Error(`media playlist: unexpected name ${JSON.stringify(name)}`);
  return name;
}

/**
 * `BANDWIDTH` is the highest bit rate of any one segment (its bytes over its duration), and
 * `AVERAGE-BANDWIDTH` the whole rung's, as RFC 8216 defines them; the init segment is fetched once
 * and left out of both.
 */
export function measureBandwidth(segments: readonly { seconds: number; size: number }[]): { bandwidth: number; averageBandwidth: number } {
  let peak = 0;
  let bytes = 0;
  let seconds = 0;
  for (const segment of segments) {
    bytes += segment.size;
    seconds += segment.seconds;
    if (segment.seconds > 0) peak = Math.max(peak, (segment.size * 8) / segment.seconds);
  }
  const average = seconds > 0 ? (bytes * 8) / seconds : peak;
  return { bandwidth: Math.ceil(Math.max(peak, average)), averageBandwidth: Math.ceil(average) };
}

/**
 * The RFC 6381 name of the H.264 stream in an init segment: `avc1.` and the profile, constraint
 * flags and level bytes of its `avcC` box (the three bytes after its version byte).
 */
export function avcCodecOf(init: Buffer): string {
  const at = init.indexOf('avcC', 0, 'latin1');
  if (at < 0 || at + 8 > init.length) throw new Error('init segment: no avcC box');
  return `avc1.${init.subarray(at + 5, at + 8).toString('hex')}`;
}

/** `mp4a.40.2`: AAC-LC, what the ladder's audio is encoded as. */
export const AAC_LC = 'mp4a.40.2';

/**
 * The master playlist: one `EXT-X-STREAM-INF` per rung with its peak and average bandwidth,
 * resolution, codecs and frame rate, each pointing at its media playlist by a relative URL. The rung
 * a player starts with when it goes by order is the first one at or below 720 lines; the others follow, highest first.
 */
export function masterPlaylist(rungs: readonly HlsRung[], frameRate: number): string {
  const start = Math.max(
    0,
    rungs.findIndex((r) => Math.min(r.width, r.height) <= 720),
  );
  const ordered = [rungs[start]!, ...rungs.filter((_, i) => i !== start)];
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const rung of ordered) {
    const attributes = [
      `BANDWIDTH=${rung.bandwidth}`,
      `AVERAGE-BANDWIDTH=${rung.averageBandwidth}`,
      `RESOLUTION=${rung.width}x${rung.height}`,
      `CODECS="${rung.codecs}"`,
      ...(frameRate > 0 ? [`FRAME-RATE=${frameRate.toFixed(3)}`] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, rung.playlist);
  }
  return `${lines.join('\n')}\n`;
}
