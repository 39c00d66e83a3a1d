import { Transform } from 'node:stream';

type ExposedGc = (options: { type: 'minor' | 'major'; execution: 'sync' | 'async' }) => void;

/**
 * Runs V8's collector of `type` where the process was started with --expose-gc (the apps'
 * bin/start.sh); elsewhere (tests, `npm run dev`) does nothing, and V8 keeps its own pace.
 */
export function collect(type: 'minor' | 'major'): void {
  (globalThis as { gc?: ExposedGc }).gc?.({ type, execution: 'sync' });
}

/** V8's young generation, collected: see `createYoungCollector`. */
export function collectYoung(): void {
  collect('minor');
}

/**
 * Bytes streamed between two young collections, for every reader (the delivery server's streams to
 * clients, a worker's download to its temp file). Every 4 MiB still let RSS rise by tens of MB a
 * stream; every 1 MiB holds it to a few MB for a little more CPU, and below 1 MiB the collections
 * cost more CPU than they save (docs/design/delivery.md#a-large-object-streamed).
 */
export const COLLECT_YOUNG_EVERY_BYTES = 1024 * 1024;

/** Streams whose bytes are counted together: a young collection every so many of them, whichever streams read them. */
export interface YoungCollector {
  /** A stream that passes its chunks through unchanged, counting them. */
  through(): Transform;
}

/**
 * Each chunk a socket reads is a fresh buffer outside V8's heap that dies as soon as it is written
 * on, yet streaming bytes makes next to no JS garbage, so V8 lets about 64 MB of them pile up
 * before it looks. A young collection, `collectNow`, after every `everyBytes` of the chunks its
 * streams pass frees them as they go (docs/design/worker.md#garbage-after-a-render). One collector
 * for many streams counts them all: many short reads at once pile up as one long one does.
 */
export function createYoungCollector(everyBytes = COLLECT_YOUNG_EVERY_BYTES, collectNow: () => void = collectYoung): YoungCollector {
  let sinceCollect = 0;
  return {
    through: () =>
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sinceCollect += chunk.length;
          if (sinceCollect >= everyBytes) {
            sinceCollect = 0;
            collectNow();
          }
          done(null, chunk);
        },
      }),
  };
}

/** One read's own collector (a worker's download to its temp file): see `createYoungCollector`. */
export function collectYoungEvery(everyBytes = COLLECT_YOUNG_EVERY_BYTES, collectNow: () => void = collectYoung): Transform {
  return createYoungCollector(everyBytes, collectNow).through();
}
