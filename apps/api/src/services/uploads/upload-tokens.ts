import { ERRORS } from '@darkroom/core/error-factories';
import { resolvePreset } from '@darkroom/core/presets';
import type { MintedUploadToken } from '@darkroom/core/contract/upload';
import type { Visibility } from '@darkroom/core/private-links';
import { claimTokenUpload, createUploadToken } from '@darkroom/db/queries/upload-tokens';
import { getTenant } from '@darkroom/db/queries/tenants';
import { isUuid } from '@darkroom/db/pagination';
import type { Executor } from '@darkroom/db/client';
import type { Tenant, UploadToken } from '@darkroom/db/schema';
import { tenantUploadLimits } from '@darkroom/intake';
import type { AppDeps } from '../../deps.js';
import { checkMetadata, normalizeContentType } from './upload-rules.js';

/** The one metadata key a browser may set on an upload token's uploads; the token's own metadata may not use it. */
export const CLIENT_METADATA_KEY = 'client';

export interface MintUploadTokenParams {
  tenantId: string;
  /** The tenant key that asked (its rate limit then counts the token's requests); null or absent: an admin. */
  mintedByKeyId?: string | null | undefined;
  /** Seconds, 60..86400 (the route's schema checks the range). */
  expiresIn: number;
  maxUploads: number;
  maxUploadBytes?: number | undefined;
  acceptedContentTypes?: string[] | undefined;
  preset?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  visibility?: Visibility | undefined;
}

/** A token only narrows its tenant: a larger size or a type the tenant does not accept is refused. */
function narrowLimits(deps: AppDeps, tenant: Tenant, params: MintUploadTokenParams) {
  const { maxBytes, accepted } = tenantUploadLimits(deps, tenant);
  if (params.maxUploadBytes !== undefined && params.maxUploadBytes > maxBytes) {
    throw ERRORS.tokenSizeWider(params.maxUploadBytes, maxBytes);
  }
  const types = params.acceptedContentTypes && [...new Set(params.acceptedContentTypes.map(normalizeContentType))];
  const refused = types?.filter((type) => !accepted.includes(type)) ?? [];
  if (refused.length > 0) {
    throw ERRORS.tokenTypesWider(refused, accepted);
  }
  return { maxUploadBytes: params.maxUploadBytes ?? null, acceptedContentTypes: types ?? null };
}

function checkTokenMetadata(metadata: Record<string, unknown> | undefined): void {
  if (!metadata) return;
  if (Object.hasOwn(metadata, CLIENT_METADATA_KEY)) {
    throw ERRORS.tokenMetadataTakesClientKey(CLIENT_METADATA_KEY);
  }
  checkMetadata(metadata);
}

/**
 * Mints a browser upload token for a tenant (`POST /v1/upload-tokens` with a tenant key, or an
 * admin's). The plain token is returned once; only its hash is stored.
 */
export async function mintUploadToken(deps: AppDeps, params: MintUploadTokenParams): Promise<MintedUploadToken> {
  const tenant = isUuid(params.tenantId) ? await getTenant(deps.db, { id: params.tenantId }) : undefined;
  if (!tenant) throw ERRORS.tenantNotFound();
  const limits = narrowLimits(deps, tenant, params);
  if (params.preset !== undefined && !resolvePreset(deps.config.presets, tenant.presets, params.preset)) {
    throw ERRORS.presetNotFound(params.preset);
  }
  checkTokenMetadata(params.metadata);
  const { uploadToken, token } = await createUploadToken(deps.db, {
    tenantId: tenant.id,
    mintedByKeyId: params.mintedByKeyId ?? null,
    expiresAt: new Date(Date.now() + params.expiresIn * 1000),
    maxUploads: params.maxUploads,
    ...limits,
    preset: params.preset ?? null,
    metadata: params.metadata ?? null,
    visibility: params.visibility ?? null,
  });
  return { token, expiresAt: uploadToken.expiresAt.toISOString(), maxUploads: uploadToken.maxUploads, visibility: uploadToken.visibility };
}

/** The tenant as an upload started with the token sees it: the narrower of each limit (the tenant's may have shrunk since). */
export function narrowedTenant(deps: AppDeps, tenant: Tenant, uploadToken: UploadToken): Tenant {
  const { maxBytes, accepted } = tenantUploadLimits(deps, tenant);
  return {
    ...tenant,
    maxUploadBytes: Math.min(maxBytes, uploadToken.maxUploadBytes ?? maxBytes),
    acceptedContentTypes: uploadToken.acceptedContentTypes ? accepted.filter((type) => uploadToken.acceptedContentTypes!.includes(type)) : accepted,
  };
}

/**
 * The preset and metadata an upload started with the token gets: the token's, whatever the browser
 * says. The browser may name the same preset again, and add its own keys under `metadata.client`.
 */
export function forcedUploadFields(
  tenant: Tenant,
  uploadToken: UploadToken,
  input: { preset?: string | undefined; metadata?: Record<string, unknown> | undefined },
): { preset: string; metadata: Record<string, unknown> | undefined } {
  const preset = uploadToken.preset ?? tenant.defaultPreset ?? 'default';
  if (input.preset !== undefined && input.preset !== preset) {
    throw ERRORS.tokenPresetForced(preset);
  }
  const foreign = Object.keys(input.metadata ?? {}).filter((key) => key !== CLIENT_METADATA_KEY);
  if (foreign.length > 0) {
    throw ERRORS.tokenMetadataOutsideClientKey(CLIENT_METADATA_KEY, foreign);
  }
  const client = input.metadata?.[CLIENT_METADATA_KEY];
  const metadata = { ...uploadToken.metadata, ...(client !== undefined ? { [CLIENT_METADATA_KEY]: client } : {}) };
  return { preset, metadata: Object.keys(metadata).length > 0 ? metadata : undefined };
}

/** Takes one of the token's uploads in the caller's transaction; past `maxUploads`, `429 rate_limited`. */
export async function claimUpload(db: Executor, uploadToken: UploadToken): Promise<void> {
  if (await claimTokenUpload(db, { id: uploadToken.id })) return;
  throw ERRORS.tokenUploadsUsedUp(uploadToken.maxUploads);
}
