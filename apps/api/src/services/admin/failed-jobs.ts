import { getAsset } from '@darkroom/db/queries/assets';
import { getTenant } from '@darkroom/db/queries/tenants';
import { listJobs } from '@darkroom/db/queries/jobs';
import type { Tenant } from '@darkroom/db/schema';
import type { AppDeps } from '../../deps.js';

export const FAILED_PAGE_SIZE = 25;

/** One failed job as the admin console lists it. */
export interface FailedRow {
  jobId: string;
  assetId: string;
  assetStatus: string | null;
  tenantId: string;
  tenantName: string | null;
  filename: string | null;
  state: string;
  errorCode: string | null;
  errorMessage: string | null;
  /** The raw error (bucket, key, SQL…): the console is for admins only. */
  errorDetail: string | null;
  attempts: number;
  maxAttempts: number;
  finishedAt: Date | null;
}

export interface FailedJobsFilter {
  tenantId?: string | undefined;
  errorCode?: string | undefined;
  cursor?: string | undefined;
}

/** One page of failed jobs, newest first, each with its asset's filename and status and its tenant's name. */
export async function listFailedRows(deps: AppDeps, filter: FailedJobsFilter): Promise<{ rows: FailedRow[]; nextCursor: string | null }> {
  const page = await listJobs(deps.db, { ...filter, state: 'failed', limit: FAILED_PAGE_SIZE });
  const tenantIds = [...new Set(page.items.map((job) => job.tenantId))];
  const [assets, tenants] = await Promise.all([
    Promise.all(page.items.map((job) => getAsset(deps.db, { id: job.assetId }))),
    Promise.all(tenantIds.map((id) => getTenant(deps.db, { id }))),
  ]);
  const tenantById = new Map(tenants.filter((t): t is Tenant => t !== undefined).map((t) => [t.id, t]));
  const rows = page.items.map((job, i): FailedRow => {
    const asset = assets[i];
    return {
      jobId: job.id,
      assetId: job.assetId,
      assetStatus: asset?.status ?? null,
      tenantId: job.tenantId,
      tenantName: tenantById.get(job.tenantId)?.name ?? null,
      filename: asset?.filename ?? null,
      state: job.state,
      errorCode: job.errorCode,
      errorMessage: job.errorMessage,
      errorDetail: job.errorDetail,
      attempts: job.attempts,
      maxAttempts: job.maxAttempts,
      finishedAt: job.finishedAt,
    };
  });
  return { rows, nextCursor: page.nextCursor };
}
