import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Asset } from '@darkroom/db/schema';
import { collectYoungEvery } from '@darkroom/storage';
import type { WorkerDeps } from '../deps.js';
import type { StreamScanner } from '../moderation/stream-scanner.js';
import type { ScanVerdict } from '@darkroom/moderation';

export interface LocalOriginal {
  path: string;
  size: number;
  /** The malware scan of these bytes, made as they came (absent: none was asked for). */
  scan?: ScanVerdict | undefined;
  /** Removes the temporary directory; safe to call more than once. */
  cleanup(): Promise<void>;
}

/**
 * Streams the original to a private temp file: memory stays bounded whatever the file's size,
 * and sharp can then read the header alone before deciding to decode. With a scanner, each chunk
 * also goes to clamd as it arrives, so the scan costs no second read and ends with the download.
 */
export async function fetchOriginal(deps: WorkerDeps, asset: Asset, options: { scanner?: StreamScanner | undefined } = {}): Promise<LocalOriginal> {
  const dir = await mkdtemp(join(deps.config.tmpDir, 'darkroom-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, 'original');
    const body = await deps.storage.getStream({ bucket: deps.config.storage.bucket, key: asset.originalKey });
    const scan = options.scanner?.startScan();
    // Its verdict is awaited after the download; a scanner that fails meanwhile must not go unhandled.
    scan?.verdict.catch(() => {});
    const file = createWriteStream(path, { mode: 0o600 });
    if (scan) await pipeline(body, collectYoungEvery(), copyInto(scan.sink), file);
    else await pipeline(body, collectYoungEvery(), file);
    scan?.sink.end();
    const { size } = await stat(path);
    return { path, size, scan: scan ? await scan.verdict : undefined, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Passes each chunk on, and writes it to `sink` too, waiting while the sink is full; a sink that failed is left (its verdict says why). */
function copyInto(sink: Writable): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (sink.destroyed || sink.writableEnded) return done(null, chunk);
      if (sink.write(chunk)) return done(null, chunk);
      const go = () => {
        sink.off('drain', go);
        sink.off('close', go);
        done(null, chunk);
      };
      sink.on('drain', go);
      sink.on('close', go);
    },
  });
}
