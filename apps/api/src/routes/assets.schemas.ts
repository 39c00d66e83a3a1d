import { z } from 'zod';
import { AssetView, FaceBoxInput, MAX_FACES, VISIBLE_ASSET_STATUSES } from '@darkroom/core/contract/asset';
import { Crop, Focus } from '@darkroom/core/delivery';
import { ErrorBody } from '@darkroom/core/contract/error';
import { JobView } from '@darkroom/core/contract/job';
import { PRIVATE_URL_MAX_TTL_SECONDS, PRIVATE_URL_MIN_TTL_SECONDS, VISIBILITIES } from '@darkroom/core/private-links';
import { IdParams } from './common.schemas.js';
import { tenantErrors } from '../error-responses.js';

/** `?urlTtl=`: the life of a private asset's URLs in this answer, in seconds (absent: PRIVATE_URL_TTL). */
const urlTtl = z.coerce
  .number()
  .int()
  .min(PRIVATE_URL_MIN_TTL_SECONDS)
  .max(PRIVATE_URL_MAX_TTL_SECONDS)
  .optional()
  .describe("Seconds a private asset's URLs in this answer live (rounded up to the next 5 minutes); absent: PRIVATE_URL_TTL");

export const getAssetSchema = {
  tags: ['assets'],
  summary: 'One asset, with its variants once ready',
  params: IdParams,
  querystring: z.object({ urlTtl }),
  response: { 200: AssetView, ...tenantErrors, 404: ErrorBody },
};

/** Focus and crop, as `PATCH /v1/assets/:id` and `POST /v1/uploads` take them. */
export const framingFields = {
  focus: Focus.nullable().optional().describe('Where `cover` crops: 0..1 of the displayed image (the whole of it, not the crop); null: the centre'),
  crop: Crop.nullable()
    .optional()
    .describe('Displayed pixels (whole, at least 16×16, within the image) every variant and delivery is cut from; null: the whole image'),
};

export const updateAssetSchema = {
  tags: ['assets'],
  summary: "A ready image's focus and crop (revision + 1, its eager variants rendered again), a ready asset's faces, or its visibility",
  description:
    'Fields left out stay as they are; null clears one. Out of bounds, or a crop under 16×16: 400 invalid_request. ' +
    'A video, or an image not ready: 409 invalid_state. An upload token reaches only the assets it started. ' +
    '`visibility` goes in a PATCH of its own (with focus, crop or faces: 400 invalid_request), with a tenant API key (an upload token: ' +
    '403 forbidden), on a ready asset (else 409 invalid_state); the objects move afterwards and `asset.updated` says when. ' +
    '`faces` replaces the faces of a ready asset (any kind; else 409 invalid_state) with a tenant API key (an upload token: 403 forbidden): ' +
    'revision + 1 as a focus change; the eager variants are rendered again only where the tenant enforces face redaction.',
  params: IdParams,
  body: z.strictObject({
    ...framingFields,
    faces: z
      .array(FaceBoxInput)
      .max(MAX_FACES)
      .nullable()
      .optional()
      .describe(
        `Faces marked by hand, replacing those found or marked before (at most ${MAX_FACES}; stored largest first): each 0..1 of the displayed image (the whole of it, not the crop), inside it, of positive size, \`score\` 1 unless given; [] for none; null: not known (an image's are searched again by the faces backfill)`,
      ),
    visibility: z
      .enum(VISIBILITIES)
      .optional()
      .describe(
        '`private`: from this answer on, only private URLs; the public delivery routes answer for it as for an unknown id at once while Redis carries the change, ' +
          'else within 5 s; its objects leave the public bucket within 60 s (of the end of a render of the asset under way, if any)',
      ),
  }),
  response: { 200: AssetView, 400: ErrorBody, ...tenantErrors, 404: ErrorBody, 409: ErrorBody },
};

export const ListAssetsQuery = z.strictObject({
  status: z.enum(VISIBLE_ASSET_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
  urlTtl,
});

export const listAssetsSchema = {
  tags: ['assets'],
  summary: 'Assets, newest first (keyset pagination)',
  querystring: ListAssetsQuery,
  response: { 200: z.object({ items: z.array(AssetView), nextCursor: z.string().nullable() }), 400: ErrorBody, ...tenantErrors },
};

export const deleteAssetSchema = {
  tags: ['assets'],
  summary: 'Delete the original, every variant, then the asset',
  params: IdParams,
  response: { 204: z.null().describe('Deleted'), ...tenantErrors, 404: ErrorBody },
};

export const listAssetJobsSchema = {
  tags: ['jobs'],
  summary: 'Jobs of one asset, newest first (the newest 100)',
  params: IdParams,
  response: { 200: z.object({ items: z.array(JobView) }), ...tenantErrors, 404: ErrorBody },
};

export const getJobSchema = {
  tags: ['jobs'],
  summary: 'One job',
  params: IdParams,
  response: { 200: JobView, ...tenantErrors, 404: ErrorBody },
};
