import { z } from 'zod';
import { AssetView, CompletedUpload, ErrorBody, StartedUpload } from '@darkroom/core';
import { AssetIdParams, tenantErrors } from './common.schemas.js';

export const StartUploadBody = z.strictObject({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  size: z.number().int().positive(),
  preset: z.string().min(1).max(64).optional(),
  metadata: z.record(z.string(), z.unknown()).optional().describe('Client JSON, at most 4 KiB'),
});

export const startUploadSchema = {
  tags: ['uploads'],
  summary: 'Start an upload: returns presigned URLs to send the bytes straight to the bucket',
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

export const CompleteUploadBody = z.strictObject({
  parts: z
    .array(z.strictObject({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) }))
    .max(10_000)
    .optional(),
}).optional();

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
  },
};

export const abortUploadSchema = {
  tags: ['uploads'],
  summary: 'Cancel an upload still awaiting its bytes',
  params: AssetIdParams,
  response: { 200: AssetView, ...tenantErrors, 404: ErrorBody, 409: ErrorBody },
};
