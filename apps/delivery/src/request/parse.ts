import { ASSET_ID_PATTERN } from '@darkroom/core/private-links';
import { ERRORS } from '@darkroom/core/error-factories';
import { parseDeliveryOptions, type DeliveryOptions } from '@darkroom/core/delivery-options';

/** One `GET /img/{assetId}/{revision}/{options}[/{signature}]`, its segments as sent. */
export interface ImageRequest {
  assetId: string;
  revision: string;
  options: string;
  signature: string | undefined;
  accept: string | undefined;
}

/** An image request whose segments read: its revision a number, its options parsed. */
export interface ParsedImageRequest {
  sent: ImageRequest;
  revision: number;
  options: DeliveryOptions;
}

const REVISION = /^[1-9]\d{0,8}$/;

/** Segments that name no asset's revision are no image (404); options that do not parse are refused (400), before any lookup. */
export function parseImageRequest(sent: ImageRequest): ParsedImageRequest {
  if (!ASSET_ID_PATTERN.test(sent.assetId) || !REVISION.test(sent.revision)) throw ERRORS.noSuchImage();
  return { sent, revision: Number(sent.revision), options: parseDeliveryOptions(sent.options) };
}
