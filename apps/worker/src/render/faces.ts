import type { FaceBox } from '@darkroom/core/contract/asset';
import { detectFacesOfFile, FACE_INPUT_LONG_SIDE } from '@darkroom/media';
import type { RenderContext } from './context.js';

/** A render gate's admission, as the image render takes it (pixels to hold a slot for). */
type Admit = (pixels: number) => Promise<() => void>;

/**
 * The faces of the image an asset shows whole (an image as displayed, before its crop; a video's
 * poster frame; an audio file's cover art), searched once: undefined, which leaves the asset's
 * `faces` as they are, where FACE_DETECTION is off, where they are known already (an earlier
 * attempt's, a hand-marked set: a retry never searches again), or where the search failed. A
 * detector that would not load or an image it could not read loses no upload: the asset is
 * published with `faces` null, which the backfill command searches later.
 */
export async function searchFaces(ctx: RenderContext, path: string, admit: Admit): Promise<FaceBox[] | undefined> {
  const { config, log } = ctx.deps;
  if (!config.faceDetection || ctx.asset.faces) return undefined;
  // One render slot, as any decode: the search is a decode to 640 px and a forward pass on one core.
  const release = await admit(FACE_INPUT_LONG_SIDE * FACE_INPUT_LONG_SIDE);
  try {
    return await detectFacesOfFile(path, {
      maxInputPixels: config.maxInputPixels,
      timeoutSeconds: config.jobTimeoutMs / 1000,
      minConfidence: config.faceDetection.minConfidence,
    });
  } catch (error) {
    log.warn({ err: error, assetId: ctx.asset.id }, 'faces not searched: the asset is published without them');
    return undefined;
  } finally {
    release();
  }
}
