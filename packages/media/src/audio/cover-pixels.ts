import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { displayedPixels, type DisplayedOptions, type DisplayedPixels } from '../displayed.js';
import { extractCoverArt } from './cover.js';

export interface CoverPixelsOptions extends DisplayedOptions {
  /** For the extraction (ffprobe, then ffmpeg); default `COVER_TIMEOUT_MS`. */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
  /** Where the picture is copied out to for a moment; default the system's temporary directory. */
  tempDir?: string;
}

/**
 * An audio file's cover art as displayed, small (`displayedPixels`), for the moderation checks;
 * null when it has none. The picture is copied out as stored (`extractCoverArt`) into a directory
 * of its own, decoded through the image gate (so a bomb is refused as an upload would be), and removed.
 */
export async function coverArtPixels(path: string, options: CoverPixelsOptions): Promise<DisplayedPixels | null> {
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'darkroom-cover-'));
  try {
    const cover = await extractCoverArt(path, { outputPath: join(dir, 'cover'), timeoutMs: options.timeoutMs, signal: options.signal });
    return cover === null ? null : await displayedPixels(cover, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
