import { z } from 'zod';
import { AssetView } from './asset.js';
import { JobView } from './job.js';
import { VISIBILITIES } from '../private-links.js';

export const PutUpload = z.object({
  method: z.literal('PUT'),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});

export type PutUpload = z.infer<typeof PutUpload>;

/** A part still to send: its URL, signed for exactly `size` bytes, those from `(partNumber - 1) × partSize`. */
const PartUrl = z.object({
  partNumber: z.number().int(),
  size: z.number().int().describe('The bytes of this part: partSize, but the last part holds the rest'),
  url: z.string(),
});

const MultipartUpload = z.object({
  method: z.literal('MULTIPART'),
  partSize: z.number().int().describe('Part n holds the bytes from (n - 1) × partSize'),
  parts: z.array(PartUrl),
  expiresAt: z.string(),
});

/** Where and how the client sends the bytes: one presigned PUT, or a multipart upload's parts. */
export const UploadInstructions = z.discriminatedUnion('method', [PutUpload, MultipartUpload]);
export type UploadInstructions = z.infer<typeof UploadInstructions>;

/** `POST /v1/uploads`' reply. */
export const StartedUpload = z.object({
  asset: AssetView,
  upload: UploadInstructions,
  uploadExpiresAt: z.string().describe('When the upload expires unless it is completed (UPLOAD_TTL); a resume may continue it until then'),
});
export type StartedUpload = z.infer<typeof StartedUpload>;

/** `POST /v1/uploads/:assetId/complete`'s reply. */
export const CompletedUpload = z.object({ asset: AssetView, job: JobView });
export type CompletedUpload = z.infer<typeof CompletedUpload>;

/** `POST /v1/uploads/:assetId/sign`'s reply: one request on the bucket's multipart upload, signed for it alone. */
export const SignedUploadRequest = z.object({
  method: z.enum(['GET', 'POST']),
  url: z.string(),
  expiresAt: z.string(),
});
export type SignedUploadRequest = z.infer<typeof SignedUploadRequest>;

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
  parts: z.array(PartUrl),
  expiresAt: z.string().describe('When the URLs in parts expire'),
});
export type UploadParts = z.infer<typeof UploadParts>;

/**
 * `GET /v1/uploads/rules`' reply: what an upload of this caller (a tenant key, or an upload token
 * within its limits) may be, and how the API lays it out, for a client that must decide before it
 * starts one (Uppy picks PUT or multipart, and the part size, itself).
 */
export const UploadRules = z
  .object({
    maxBytes: z.number().int().describe('The largest file this caller may upload'),
    acceptedContentTypes: z.array(z.string()).describe('The types this caller may upload'),
    multipartThreshold: z.number().int().describe('Files of at least this many bytes go up in parts (MULTIPART_THRESHOLD_BYTES)'),
    partSize: z
      .number()
      .int()
      .describe(
        'The part size of a multipart upload (MULTIPART_PART_SIZE); the start of an upload of more than maxParts such parts states a larger one',
      ),
    maxParts: z.number().int().describe('Parts per upload at most'),
    urlTtlSeconds: z
      .number()
      .int()
      .describe('How long an upload URL works (UPLOAD_URL_TTL); GET /v1/uploads/:assetId/parts or POST /v1/uploads/:assetId/url renews them'),
  })
  .meta({ id: 'UploadRules' });
export type UploadRules = z.infer<typeof UploadRules>;

/** `POST /v1/upload-tokens`' reply: the token is shown this once. */
export const MintedUploadToken = z
  .object({
    token: z.string().describe('dut_…: send it as "Authorization: Bearer <token>"'),
    expiresAt: z.string(),
    maxUploads: z.number().int(),
    visibility: z
      .enum(VISIBILITIES)
      .nullable()
      .describe("The visibility of every upload the token starts; null: the tenant's default when each starts"),
  })
  .meta({ id: 'UploadToken' });
export type MintedUploadToken = z.infer<typeof MintedUploadToken>;
