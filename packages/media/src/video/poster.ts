import type { PosterOptions, VideoProbe } from './types.js';

/** A poster frame (PNG bytes) at 10% of duration, at most 1 s in, never black where a later frame has content. */
export async function extractPoster(path: string, probe: VideoProbe, opts: PosterOptions): Promise<Buffer> {
  void path;
  void probe;
  void opts;
  throw new Error('extractPoster: not implemented yet (interface commit)');
}
