import type { Asset, Job, Variant, VisibleAssetStatus } from '@darkroom/db';

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

const errorOf = (row: { errorCode: string | null; errorMessage: string | null }) =>
  row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null;

export type PublicUrl = (key: string) => string;

/** The contract's Asset shape. Variants are listed only once the asset is ready. */
export function serializeAsset(asset: Asset, variants: readonly Variant[], publicUrl: PublicUrl) {
  return {
    id: asset.id,
    // Never `deleting`: the API does not load an asset being deleted (getTenantAsset, listAssets).
    status: asset.status as VisibleAssetStatus,
    filename: asset.filename,
    contentType: asset.contentType,
    size: asset.size,
    preset: asset.preset,
    metadata: asset.metadata ?? null,
    width: asset.width,
    height: asset.height,
    format: asset.format,
    placeholder: asset.placeholder,
    dominantColor: asset.dominantColor,
    variants:
      asset.status === 'ready'
        ? variants.map((v) => ({
            name: v.name,
            format: v.format,
            width: v.width,
            height: v.height,
            size: v.size,
            url: publicUrl(v.key),
          }))
        : [],
    error: errorOf(asset),
    createdAt: asset.createdAt.toISOString(),
    updatedAt: asset.updatedAt.toISOString(),
    readyAt: iso(asset.readyAt),
  };
}

export function serializeJob(job: Job) {
  return {
    id: job.id,
    assetId: job.assetId,
    kind: job.kind,
    state: job.state,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    error: errorOf(job),
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
  };
}

/**
 * A job as admins see it: its tenant, every attempt, and the raw detail behind each error (it may
 * name a bucket, key or SQL statement, so it is never on a tenant route).
 */
export function serializeAdminJob(job: Job) {
  return {
    ...serializeJob(job),
    tenantId: job.tenantId,
    errorDetail: job.errorDetail,
    history: job.history.map((attempt) => ({ ...attempt, errorDetail: attempt.errorDetail ?? null })),
  };
}
