import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeClip } from './streaming.js';
import { ROOT } from './support.js';

/** Where the chunked part keeps its clips between runs. */
const CACHE = join(ROOT, 'tmp', 'bench-chunked');
/** The clips' video bitrate at most, in Mbit/s: a 1080p upload's, as a phone or an editor exports it. */
const MAXRATE_MBIT = 10;

/** The chunked part's 1080p clip of `seconds` (the streaming part's, its bitrate capped), made once and kept in tmp/bench-chunked/. */
export async function clipFile(seconds: number, maxrateMbit = MAXRATE_MBIT): Promise<string> {
  await mkdir(CACHE, { recursive: true });
  const path = join(CACHE, `clip-${seconds}s-1080p-${maxrateMbit}mbit.mp4`);
  if (existsSync(path)) return path;
  console.log(`chunked: making a ${seconds} s 1080p clip at ${maxrateMbit} Mbit/s (once, kept in ${CACHE})`);
  return makeClip(CACHE, seconds, maxrateMbit);
}
