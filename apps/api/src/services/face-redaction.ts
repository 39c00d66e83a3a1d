import { deliveryPolicyOf, type DeliveryPolicyPatch } from '@darkroom/core/delivery';
import type { Executor } from '@darkroom/db/client';
import { takeBackfillWindow } from '@darkroom/db/queries/backfill-window';
import { createRedactionBackfill } from '@darkroom/db/queries/backfills';
import type { Backfill } from '@darkroom/db/schema';
import { enqueueAfterCommit } from '@darkroom/intake';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';

/**
 * A change of a tenant's `enforceFaceRedaction` (docs/delivery.md#faces): on, off, or blur ↔
 * pixelate, each queues a `face-redaction` backfill of the tenant's assets with known faces, on the
 * backfill lane a window at a time, whose jobs re-render their eager image variants as the policy
 * now says, delete their unredacted `/img/` renders (under enforcement) and send their purge lists
 * (the worker's jobs/redaction-backfill.ts).
 */

/** Records the backfill when the patch changes the redaction in force; call in the transaction of the change. */
export async function recordRedactionChange(
  tx: Executor,
  deps: AppDeps,
  change: { tenantId: string; before: DeliveryPolicyPatch; patch: DeliveryPolicyPatch | undefined },
): Promise<Backfill | undefined> {
  const { patch } = change;
  if (patch?.enforceFaceRedaction === undefined) return undefined;
  if (deliveryPolicyOf(change.before).enforceFaceRedaction === patch.enforceFaceRedaction) return undefined;
  return createRedactionBackfill(tx, { tenantId: change.tenantId, window: deps.config.backfillWindow, maxAttempts: deps.config.jobMaxAttempts });
}

/** Once the change is committed: the backfill's first window queued (the workers queue the rest as its jobs finish). */
export async function startRedactionBackfill(deps: AppDeps, log: FastifyBaseLogger, backfill: Backfill): Promise<void> {
  const jobs = await takeBackfillWindow(deps.db, { id: backfill.id });
  if (jobs.length > 0) await enqueueAfterCommit(deps, log, jobs);
  log.info({ backfillId: backfill.id, tenantId: backfill.tenantId, firstWindow: jobs.length }, 'face-redaction backfill started');
}
