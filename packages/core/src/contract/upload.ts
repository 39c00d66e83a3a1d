import { z } from 'zod';
import { AssetView } from './asset.js';
import { JobView } from './job.js';

export const PutUpload = z.object({
  method: z.literal('PUT'),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});

export type PutUpload = z.infer<typeof PutUpload>;

const MultipartUpload = z.object({
  method: z.literal('MULTIPART'),
  partSize: z.number().int(),
  parts: z.array(z.object({ partNumber: z.number().int(), url: z.string() })),
  expiresAt: z.string(),
});

/** Where and how the client sends the bytes: one presigned PUT, or a multipart upload's parts. */
export const UploadInstructions = z.discriminatedUnion('method', [PutUpload, MultipartUpload]);
export type UploadInstructions = z.infer<typeof UploadInstructions>;

/** `POST /v1/uploads`' reply. */
export const StartedUpload = z.object({ asset: AssetView, upload: UploadInstructions });
export type StartedUpload = z.infer<typeof StartedUpload>;

/** `POST /v1/uploads/:assetId/complete`'s reply. */
export const CompletedUpload = z.object({ asset: AssetView, job: JobView });
export type CompletedUpload = z.infer<typeof CompletedUpload>;

/** `POST /v1/uploads/:assetId/url`'s reply: a fresh URL to PUT the whole file again. */
export const RestartedUpload = z.object({ upload: PutUpload });
export type RestartedUpload = z.infer<typeof RestartedUpload>;

/**
 * `GET /v1/uploads/:assetId/parts`' reply: the parts the bucket already holds, and fresh URLs for
 * the missing ones only.
 */
export const UploadParts = z.object({
  partSize: z.number().int(),
  uploaded: z.array(
    z.object({
      partNumber: z.number().int(),
      etag: z.string().describe('As the bucket gave it, quotes included: send it back to complete'),
      size: z.number().int(),
    }),
  ),
  parts: z.array(z.object({ partNumber: z.number().int(), url: z.string() })),
  expiresAt: z.string().describe('When the URLs in parts expire'),
});
export type UploadParts = z.infer<typeof UploadParts>;

/** `POST /v1/upload-tokens`' reply: the token is shown this once. */
export const MintedUploadToken = z
  .object({
    token: z.string().describe('dut_…: send it as "Authorization: Bearer <token>"'),
    expiresAt: z.string(),
    maxUploads: z.number().int(),
  })
  .meta({ id: 'UploadToken' });
export type MintedUploadToken = z.infer<typeof MintedUploadToken>;
