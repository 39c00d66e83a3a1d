import type { Preset, VariantSpec } from '@darkroom/core/presets';
import type { AssetFacts } from '@darkroom/db/queries/assets';
import type { VariantRecord } from '@darkroom/db/queries/variants';
import { processImageFile, releaseBuffer, type ProcessedImage, type RenderOptions } from '@darkroom/media';
import type { FaceBox } from '@darkroom/core/contract/asset';
import { describeVariants, type DescribeVariants } from '../records.js';
import type { RenderContext, RenderedAsset } from './context.js';
import { faceSearchOf, searchFaces } from './faces.js';
import { tenantRedaction, variantRedaction } from './redaction.js';
import { collectRenderGarbage } from './garbage.js';
import { uploadVariants } from './store-variants.js';

export interface ImageRender {
  /** The specs to render; a video spec among them is skipped (no variant, no error). */
  specs: readonly VariantSpec[];
  /** The file to render: the original unless given (a video's poster frame). */
  path?: string;
  /** Cut to the asset's crop and around its focus: an image's variants; a video's poster is its whole frame. */
  framed: boolean;
  /** Keys a current row already points at (the same output, in the bucket): not written again. */
  stored?: ReadonlySet<string>;
  /** What the variant objects are written with, from the render and the faces it found (../records.ts); none: no metadata. */
  describe?: (image: ProcessedImage, faces: FaceBox[] | undefined) => DescribeVariants;
  /** Search the whole image for faces (./faces.ts): a first render's, once per asset. */
  faces?: boolean;
}

/** An image render's output: its variants' rows, the render, and the faces searched (undefined: none, or left as they are). */
export interface RenderedImage {
  records: VariantRecord[];
  image: ProcessedImage;
  faces: FaceBox[] | undefined;
}

/**
 * The one image render of the worker, for an image's variants (a first render and a backfill) and
 * a video's poster alike: the header checks, the render gate, the faces (searched first: a tenant
 * policy's `enforceFaceRedaction` covers them in every variant), one decode for every spec (spare
 * encodes on idle slots), the placeholder, then the variants' upload, each stage timed. The pixels
 * and the variants' bytes are freed as soon as they are done with (@darkroom/media's releaseBuffer).
 */
export async function renderImageVariants(ctx: RenderContext, render: ImageRender): Promise<RenderedImage> {
  const { deps, asset, stages } = ctx;
  const preset: Preset = { name: asset.preset, variants: [...render.specs] };
  const path = render.path ?? ctx.original.path;
  const { enforced } = await tenantRedaction(deps, asset.tenantId);
  const search = render.faces === true && faceSearchOf(ctx) !== null;
  const { image, faces } = await stages.timeRender(async (admit) => {
    const options = renderOptions(ctx, render.framed, admit);
    if (enforced && search) {
      // Under enforced redaction the variants cover the faces: the search comes first, on a decode of its own.
      const found = await searchFaces(ctx, path, admit);
      const redaction = variantRedaction(enforced, found ?? asset.faces);
      return { image: await processImageFile(path, preset, { ...options, redaction }), faces: found };
    }
    // Otherwise the search's input comes from the variants' decode: the original is decoded once.
    const redaction = variantRedaction(enforced, asset.faces);
    const image = await processImageFile(path, preset, { ...options, faceInput: search, redaction });
    return { image, faces: search ? await searchFaces(ctx, path, admit, image.faceInput) : undefined };
  });
  const describe = render.describe?.(image, faces);
  const records = await stages.time('upload', () => uploadVariants(deps, asset, image.variants, render.stored, describe));
  // Stored: their bytes are not read again (records carry their sizes).
  for (const variant of image.variants) releaseBuffer(variant.data);
  collectRenderGarbage();
  return { records, image, faces };
}

/**
 * An image asset's first render: its variants, each object carrying the asset's and the render's
 * records, and what its row records.
 */
export async function renderImageAsset(ctx: RenderContext, specs: readonly VariantSpec[]): Promise<RenderedAsset> {
  const describe = (image: ProcessedImage, faces: FaceBox[] | undefined) => describeVariants(ctx.deps, ctx.asset, { ...assetFactsOf(image), faces });
  const { records, image, faces } = await renderImageVariants(ctx, { specs, framed: true, describe, faces: true });
  return { records, asset: { ...assetFactsOf(image), faces } };
}

/** What an image's row records of its render. */
function assetFactsOf(image: ProcessedImage): AssetFacts {
  const { width, height, format, hasAlpha } = image.probe;
  const { placeholder, dominantColor, crop } = image;
  return { width, height, format, placeholder, dominantColor, hasAlpha, crop };
}

function renderOptions(ctx: RenderContext, framed: boolean, admit: RenderOptions['admit']): RenderOptions {
  const { config, renderGate } = ctx.deps;
  return {
    maxInputPixels: config.maxInputPixels,
    timeoutSeconds: config.jobTimeoutMs / 1000,
    admit,
    spareEncodes: () => renderGate.idleSlots(),
    framing: framed ? { crop: ctx.asset.crop ?? null, focus: ctx.asset.focus ?? null } : undefined,
  };
}
