import { ERRORS } from '@darkroom/core/error-factories';
import type { ImportStatus } from '@darkroom/core/contract/import';
import { endImport, notifyImportControl } from '@darkroom/db/queries/import-ends';
import { getTenantImport, moveImportStatus } from '@darkroom/db/queries/imports';
import { isUuid } from '@darkroom/db/pagination';
import type { Import } from '@darkroom/db/import-schema';
import { queueImportSlice, type SliceQueueDeps } from './queue-slice.js';

export type ImportControl = 'pause' | 'resume' | 'cancel';

/** What the API's controls need: Postgres, and the imports' queue (a resumed import's next slice). */
export type ControlDeps = SliceQueueDeps;

/** The import of the tenant (another tenant's, or no such id: `404 not_found`). */
export async function requireTenantImport(deps: Pick<SliceQueueDeps, 'db'>, params: { tenantId: string; id: string }): Promise<Import> {
  const row = isUuid(params.id) ? await getTenantImport(deps.db, params) : undefined;
  if (!row) throw ERRORS.importNotFound();
  return row;
}

/** What each control moves from, what it moves to, and where it already is (answered as it is). */
const CONTROLS: Record<ImportControl, { from: readonly ImportStatus[]; to: ImportStatus; already: readonly ImportStatus[] }> = {
  pause: { from: ['planning', 'running'], to: 'paused', already: ['paused'] },
  resume: { from: ['paused'], to: 'running', already: ['planning', 'running'] },
  cancel: { from: ['planning', 'running', 'paused'], to: 'canceled', already: ['canceled'] },
};

/**
 * `POST /v1/imports/:id/pause|resume|cancel`. The worker running a slice of a paused or canceled
 * import is told at once (`notifyImportControl`; its lease's next renewal sees it otherwise) and
 * stops where it is, its transfers cut off (a resumed import's next slice is queued, for any worker); a cancel ends it with
 * `import.canceled`, and keeps what it already imported. A finished import: `409 invalid_state`.
 * Asking for where it already is answers it as it is.
 */
export async function controlImport(deps: ControlDeps, params: { tenantId: string; id: string; control: ImportControl }): Promise<Import> {
  const current = await requireTenantImport(deps, params);
  const { from, to, already } = CONTROLS[params.control];
  if (already.includes(current.status)) return current;
  const moved =
    to === 'canceled'
      ? await endImport(deps.db, { id: current.id, from, to: 'canceled' })
      : await moveImportStatus(deps.db, { id: current.id, from, to });
  if (moved) {
    if (to !== 'running') await notifyImportControl(deps.db, moved).catch(() => {});
    // Redis away: the workers' reconciler queues it a slice.
    else await queueImportSlice(deps, moved.id).catch(() => {});
    return moved;
  }
  // Changed meanwhile (it ended, or another call moved it): answered as it is now.
  const now = await requireTenantImport(deps, params);
  if (already.includes(now.status)) return now;
  throw ERRORS.importFinished(now.status);
}
