import { z } from 'zod';
import { AssetView } from './asset.js';
import { JobView } from './job.js';

const PutUpload = z.object({
  method: z.literal('PUT'),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});

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
