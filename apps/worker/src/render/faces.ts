import type { FaceBox } from '@darkroom/core/contract/asset';
import { detectFacesInInput, FACE_INPUT_LONG_SIDE, type FaceInput, faceInputOfFile } from '@darkroom/media';
import type { RenderContext } from './context.js';
import type { Admit } from './stage-timer.js';

/** How this render searches the asset for faces (FACE_DETECTION's settings); null: it does not (off, or its faces known). */
export function faceSearchOf(ctx: RenderContext): { minConfidence: number } | null {
  return ctx.asset.faces ? null : ctx.deps.config.faceDetection;
}

/**
 * The faces of the image an asset shows whole (an image as displayed, before its crop; a video's
 * poster frame; an audio file's cover art), searched once, in `input` when the render's decode made
 * it (processImageFile's faceInput), else in the file at `path`: undefined, which leaves the asset's
 * `faces` as they are, where FACE_DETECTION is off, where they are known already (an earlier
 * attempt's, a hand-marked set: a retry never searches again), or where the search failed. A
 * detector that would not load or an image it could not read loses no upload: the asset is
 * published with `faces` null, which the backfill command searches later.
 */
export async function searchFaces(ctx: RenderContext, path: string, admit: Admit, input?: FaceInput): Promise<FaceBox[] | undefined> {
  const { config, log } = ctx.deps;
  const search = faceSearchOf(ctx);
  if (!search) return undefined;
  const { minConfidence } = search;
  try {
    // A decode of the file (unless the render's decode gave the input) waits for the gate with the
    // file's own pixels, as a render's does: a 100 MP original decodes alone.
    const faces =
      input ?? (await faceInputOfFile(path, { maxInputPixels: config.maxInputPixels, timeoutSeconds: config.jobTimeoutMs / 1000, admit }));
    // The forward pass holds one render slot, as a render does: it takes a core.
    const release = await admit(FACE_INPUT_LONG_SIDE * FACE_INPUT_LONG_SIDE);
    try {
      return await detectFacesInInput(faces, { minConfidence });
    } finally {
      release();
    }
  } catch (error) {
    log.warn({ err: error, assetId: ctx.asset.id }, 'faces not searched: the asset is published without them');
    return undefined;
  }
}
