import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Asset } from '@darkroom/db/schema';
import { collectYoungEvery } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';

export interface LocalOriginal {
  path: string;
  size: number;
  /** Removes the temporary directory; safe to call more than once. */
  cleanup(): Promise<void>;
}

/**
 * Streams the original to a private temp file: memory stays bounded whatever the file's size,
 * and sharp can then read the header alone before deciding to decode.
 */
export async function fetchOriginal(deps: WorkerDeps, asset: Asset): Promise<LocalOriginal> {
  const dir = await mkdtemp(join(deps.config.tmpDir, 'darkroom-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, 'original');
    const body = await deps.storage.getStream({ bucket: deps.config.storage.bucket, key: asset.originalKey });
    await pipeline(body, collectYoungEvery(), createWriteStream(path, { mode: 0o600 }));
    const { size } = await stat(path);
    return { path, size, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
