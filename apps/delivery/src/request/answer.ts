import { DELIVERY_CONTENT_TYPES } from '@darkroom/core/delivery-options';
import { autoQualityLevel, type AutoQualityLevel, type DeliveryFormat, type DeliveryQuality } from '@darkroom/core/delivery-grammar';
import type { StoredRender } from '../stores/render-store.js';

/**
 * What an image request is answered with, by kind: the headers each kind gets are chosen by the
 * route (http/answer-headers.ts), so a private link's route answers the same kinds its own way.
 */
export type ImageAnswer = StoredImageAnswer | { kind: 'redirect'; location: string; tenantId: string };

export interface StoredImageAnswer {
  /**
   * `image`: the render asked for; `interim`: another format, while `f_auto`'s AVIF is not ready yet,
   * or a render of options that depend on faces not known yet (RenderPlan's `facesUnknown`).
   */
  kind: 'image' | 'interim';
  stored: StoredRender;
  contentType: string;
  /** `f_auto` chose the format: caches must keep one answer per Accept. */
  vary: boolean;
  result: 'hit' | 'render';
  /** The asset's tenant: whom the answer's bytes are metered to (`delivery_*`). */
  tenantId: string;
  /** A `q_auto` render's level and the quality it chose (`Darkroom-Quality`); undefined otherwise. */
  autoQuality: { level: AutoQualityLevel; quality: number } | undefined;
}

/** How a render is to be answered: as the image asked for or meanwhile, and whether Accept chose its format. */
export interface AnswerAs {
  kind: StoredImageAnswer['kind'];
  vary: boolean;
  tenantId: string;
}

export function storedImageAnswer(
  stored: StoredRender,
  render: { format: DeliveryFormat; quality: DeliveryQuality },
  as: AnswerAs,
  result: 'hit' | 'render',
): StoredImageAnswer {
  const level = autoQualityLevel(render.quality);
  const autoQuality = level && stored.quality !== undefined ? { level, quality: stored.quality } : undefined;
  return { kind: as.kind, stored, contentType: DELIVERY_CONTENT_TYPES[render.format], vary: as.vary, result, tenantId: as.tenantId, autoQuality };
}
