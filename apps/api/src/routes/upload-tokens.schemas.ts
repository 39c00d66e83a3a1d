import { ErrorBody } from '@darkroom/core/contract/error';
import { MAX_CONTENT_TYPE_LENGTH, S3_MAX_OBJECT_BYTES } from '@darkroom/core/limits';
import { MintedUploadToken } from '@darkroom/core/contract/upload';
import { VISIBILITIES } from '@darkroom/core/private-links';
import { z } from 'zod';
import { IdParams } from './common.schemas.js';
import { authErrors, tenantErrors } from '../error-responses.js';

/** The fields of a mint's body; `parse` of the body gives them with their defaults. */
export const MintUploadTokenFields = z.strictObject({
  expiresIn: z.number().int().min(60).max(86_400).default(3600).describe('Seconds until the token expires'),
  maxUploads: z.number().int().min(1).max(1000).default(10).describe('Uploads the token may start, in all'),
  maxUploadBytes: z.number().int().min(1).max(S3_MAX_OBJECT_BYTES).optional().describe("Largest upload; at most the tenant's own limit"),
  acceptedContentTypes: z
    .array(z.string().min(1).max(MAX_CONTENT_TYPE_LENGTH))
    .min(1)
    .max(50)
    .optional()
    .describe('Types the token may upload; each one the tenant accepts'),
  preset: z.string().min(1).max(64).optional().describe("The preset of every upload the token starts; absent: the tenant's default"),
  metadata: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Set on every upload the token starts (at most 4 KiB as JSON; "client" is left to the browser)'),
  visibility: z
    .enum(VISIBILITIES)
    .optional()
    .describe("The visibility of every upload the token starts; absent: the tenant's default when each starts"),
});

export const MintUploadTokenBody = MintUploadTokenFields.nullish().describe('Absent: every default');

const mintDescription =
  'The token narrows the tenant: a wider maxUploadBytes or a type the tenant does not accept is 400 invalid_request; an unknown ' +
  'preset is 404 preset_not_found. It is revoked when its tenant has no unrevoked key left, or is deleted.';

export const mintUploadTokenSchema = {
  tags: ['upload tokens'],
  summary: "Mint a browser upload token (shown once): the browser uploads with it, never with the tenant's key",
  description: mintDescription,
  body: MintUploadTokenBody,
  response: { 201: MintedUploadToken, 400: ErrorBody, ...tenantErrors, 404: ErrorBody },
};

export const adminMintUploadTokenSchema = {
  tags: ['admin'],
  summary: "Mint a browser upload token for a tenant (shown once); its requests count against the tenant's limit apart from its keys",
  description: `${mintDescription} 404 not_found: no such tenant.`,
  params: IdParams,
  body: MintUploadTokenBody,
  response: { 201: MintedUploadToken, 400: ErrorBody, ...authErrors, 403: ErrorBody, 404: ErrorBody },
};
