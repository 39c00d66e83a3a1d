import { isHlsSpec, type HlsVariantSpec, type VariantSpec } from '@darkroom/core/presets';
import type { HlsLadderResult, VideoProbe } from '@darkroom/media';
import { joinChunkedLadder } from './chunk-join.js';
import type { RenderContext } from '../context.js';
import { discardLadder, renderLadder, uploadLadder } from './hls.js';
import type { VideoStep } from './progress.js';
import type { StoredVariant } from '../usage.js';

/** A variant rendered from the video, and whether HDR was kept as is (for `video.hdr`). */
export interface Rendered {
  record: StoredVariant;
  hdrKept: boolean;
}

/** The job's HLS ladders, on local disk while the steps after them read their rungs. */
export interface Ladders {
  made: HlsLadderResult[];
  /** Their uploads, under way while what follows renders: the records once all are stored. */
  uploaded(): Promise<Rendered[]>;
  /** Once each upload has ended, whichever way, its ladder's files are removed. */
  discard(): Promise<void>;
}

/**
 * Each HLS ladder in turn: rendered here, or joined from its chunks (a chunked render's join step).
 * Each uploads while what follows renders (the next ladder, the MP4 remuxed from its rung, the
 * storyboard decoding a rung): the bucket's writes and this worker's encoding overlap instead of
 * taking turns.
 */
export async function renderLadders(ctx: RenderContext, probe: VideoProbe, specs: readonly VariantSpec[], step: VideoStep): Promise<Ladders> {
  const made: HlsLadderResult[] = [];
  const uploads: Promise<Rendered>[] = [];
  const ladders: Ladders = {
    made,
    uploaded: () => Promise.all(uploads),
    async discard() {
      await Promise.allSettled(uploads);
      await Promise.all(made.map(discardLadder));
    },
  };
  try {
    for (const spec of specs.filter(isHlsSpec)) {
      const run = { signal: step.watch.signal, onProgress: step.progress.next() };
      const chunked = ctx.chunks?.mode === 'join' ? ctx.chunks.flow.ladders.find((l) => l.name === spec.name) : undefined;
      const ladder = chunked ? await joinChunkedLadder(ctx, spec, chunked.planHash, run) : await renderLadder(ctx, probe, spec, run);
      made.push(ladder);
      uploads.push(uploadInBackground(ctx, spec, ladder, step.watch.signal));
    }
    return ladders;
  } catch (error) {
    await ladders.discard();
    throw error;
  }
}

/** A ladder's upload, started now and awaited later; its failure is the job's when awaited, never an unhandled rejection meanwhile. */
function uploadInBackground(ctx: RenderContext, spec: HlsVariantSpec, ladder: HlsLadderResult, signal: AbortSignal): Promise<Rendered> {
  const upload = uploadLadder(ctx, spec, ladder, signal).then((record) => ({ record, hdrKept: ladder.hdrKept }));
  upload.catch(() => {});
  return upload;
}
