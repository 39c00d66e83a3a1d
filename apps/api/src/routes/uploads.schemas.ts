import { z } from 'zod';
import { AssetView } from '@darkroom/core/contract/asset';
import { CompletedUpload, RestartedUpload, SignedUploadRequest, StartedUpload, UploadParts, UploadRules } from '@darkroom/core/contract/upload';
import { ErrorBody } from '@darkroom/core/contract/error';
import { MAX_CONTENT_TYPE_LENGTH, MAX_FILENAME_LENGTH, MAX_METADATA_BYTES, S3_MAX_PARTS } from '@darkroom/core/limits';
import { VISIBILITIES } from '@darkroom/core/private-links';
import { AssetIdParams } from './common.schemas.js';
import { tenantErrors } from '../error-responses.js';
import { framingFields } from './assets.schemas.js';

export const StartUploadBody = z.strictObject({
  filename: z.string().min(1).max(MAX_FILENAME_LENGTH),
  contentType: z.string().min(1).max(MAX_CONTENT_TYPE_LENGTH),
  size: z.number().int().positive(),
  preset: z.string().min(1).max(64).optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(`Client JSON, at most ${MAX_METADATA_BYTES / 1024} KiB`),
  ...framingFields,
  visibility: z
    .enum(VISIBILITIES)
    .optional()
    .describe("Absent: the upload token's, else the tenant's defaultVisibility, else the deployment's DEFAULT_VISIBILITY"),
});

export const startUploadSchema = {
  tags: ['uploads'],
  summary: 'Start an upload: returns presigned URLs to send the bytes straight to the bucket',
  description:
    'With an upload token: within its limits, with its preset and metadata (the body may name the same preset, and add ' +
    'metadata only under `metadata.client`); past its maxUploads, 429 rate_limited.',
  body: StartUploadBody,
  response: {
    201: StartedUpload,
    400: ErrorBody,
    ...tenantErrors,
    404: ErrorBody,
    413: ErrorBody,
    415: ErrorBody,
  },
};

export const CompleteUploadBody = z
  .strictObject({
    parts: z
      .array(z.strictObject({ partNumber: z.number().int().min(1).max(S3_MAX_PARTS), etag: z.string().min(1).max(200) }))
      .max(S3_MAX_PARTS)
      .optional(),
  })
  .optional();

export const completeUploadSchema = {
  tags: ['uploads'],
  summary: 'Confirm an upload and queue its processing (idempotent)',
  params: AssetIdParams,
  body: CompleteUploadBody,
  response: {
    202: CompletedUpload,
    400: ErrorBody,
    ...tenantErrors,
    404: ErrorBody,
    409: ErrorBody,
    415: ErrorBody,
    422: ErrorBody,
    /** An audio upload's check: every probe slot busy past its wait, or a probe past its time (call again). */
    503: ErrorBody,
  },
};

export const abortUploadSchema = {
  tags: ['uploads'],
  summary: 'Cancel an upload still awaiting its bytes',
  params: AssetIdParams,
  response: { 200: AssetView, ...tenantErrors, 404: ErrorBody, 409: ErrorBody },
};

export const uploadPartsSchema = {
  tags: ['uploads'],
  summary: 'Resume a multipart upload: the parts the bucket holds, and fresh URLs for the missing ones',
  description:
    'Only for a multipart upload still awaiting_upload; any other state, or a PUT upload, is 409 invalid_state. ' +
    '409 upload_missing when the bucket no longer holds the upload.',
  params: AssetIdParams,
  response: { 200: UploadParts, ...tenantErrors, 404: ErrorBody, 409: ErrorBody },
};

export const restartUploadSchema = {
  tags: ['uploads'],
  summary: 'Restart a PUT upload: a fresh URL to send the whole file again',
  description: 'Only for a PUT upload still awaiting_upload; any other state, or a multipart upload, is 409 invalid_state.',
  params: AssetIdParams,
  response: { 200: RestartedUpload, ...tenantErrors, 404: ErrorBody, 409: ErrorBody },
};

export const uploadRulesSchema = {
  tags: ['uploads'],
  summary: "What this caller's uploads may be, and how the API lays them out (PUT or multipart, the part size)",
  description:
    'For a client that decides before it starts an upload, as Uppy does: the same limits and layout POST /v1/uploads applies ' +
    '(with an upload token, narrowed to its own). The start of each upload states its own layout too.',
  response: { 200: UploadRules, ...tenantErrors },
};

export const SignUploadRequestBody = z.strictObject({
  operation: z.enum(['ListParts', 'CompleteMultipartUpload']).describe("The S3 request on the bucket's multipart upload to sign"),
});

export const signUploadRequestSchema = {
  tags: ['uploads'],
  summary: "Sign listing or completing a multipart upload's parts in the bucket, for a client that does it itself (Uppy 6)",
  description:
    'Only for a multipart upload still awaiting_upload; any other state, or a PUT upload, is 409 invalid_state. ' +
    'The URL names that upload alone; complete is still what checks and queues the file.',
  params: AssetIdParams,
  body: SignUploadRequestBody,
  response: { 200: SignedUploadRequest, 400: ErrorBody, ...tenantErrors, 404: ErrorBody, 409: ErrorBody },
};
