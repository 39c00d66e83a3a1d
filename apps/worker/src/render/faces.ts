import type { FaceBox } from '@darkroom/core/contract/asset';
import { detectFacesInInput, detectFacesOfFile, FACE_INPUT_LONG_SIDE, type FaceInput } from '@darkroom/media';
import type { RenderContext } from './context.js';

/** A render gate's admission, as the image render takes it (pixels to hold a slot for). */
type Admit = (pixels: number) => Promise<() => void>;

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
  // One render slot, as any decode: the search is a decode to 640 px (unless the render's decode
  // gave its input) and a forward pass on one core.
  const release = await admit(FACE_INPUT_LONG_SIDE * FACE_INPUT_LONG_SIDE);
  try {
    if (input) return await detectFacesInInput(input, { minConfidence });
    return await detectFacesOfFile(path, { maxInputPixels: config.maxInputPixels, timeoutSeconds: config.jobTimeoutMs / 1000, minConfidence });
  } catch (error) {
    log.warn({ err: error, assetId: ctx.asset.id }, 'faces not searched: the asset is published without them');
    return undefined;
  } finally {
    release();
  }
}
