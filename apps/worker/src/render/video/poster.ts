import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isImageSpec, type VariantSpec } from '@darkroom/core/presets';
import { extractPoster, type VideoProbe } from '@darkroom/media';
import type { RenderContext } from '../context.js';
import type { ProgressWatch } from '../progress-watch.js';
import { renderImageVariants } from '../render-image.js';
import { untimedStages } from '../stage-timer.js';

export interface VideoRenderOptions {
  /**
   * Render the poster even when no image spec asks for it: a first render needs its placeholder and
   * dominant colour, a backfill of renditions alone does not.
   */
  poster: boolean;
}

/**
 * The first frame through the image render path, whole (no crop or focus), within the video's own
 * `render` stage: the image variants, the placeholder, the dominant colour and (a first render's) the faces all come from it.
 * Null when neither the options nor an image spec ask for it.
 */
export async function renderPoster(
  ctx: RenderContext,
  probe: VideoProbe,
  specs: readonly VariantSpec[],
  options: VideoRenderOptions,
  watch: ProgressWatch,
) {
  const imageSpecs = specs.filter(isImageSpec);
  if (!options.poster && imageSpecs.length === 0) return null;
  const path = join(dirname(ctx.original.path), 'poster.png');
  await writeFile(path, await extractPoster(ctx.original.path, probe, { signal: watch.signal }), { mode: 0o600 });
  const { records, image, faces } = await renderImageVariants(
    { ...ctx, stages: untimedStages(ctx.deps) },
    { specs: imageSpecs, path, framed: false, faces: options.poster },
  );
  return { records, placeholder: image.placeholder, dominantColor: image.dominantColor, faces };
}
