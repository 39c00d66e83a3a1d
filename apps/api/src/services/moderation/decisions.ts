import { ERRORS } from '@darkroom/core/error-factories';
import type { ModerationDecider, ModerationDecisionBody } from '@darkroom/core/contract/moderation';
import { getAsset } from '@darkroom/db/queries/assets';
import { approveHeldAsset, decided, REJECTED_BY_REVIEW, rejectAsset } from '@darkroom/db/queries/moderation';
import { deploymentEntryIds } from '@darkroom/db/queries/review';
import type { Asset } from '@darkroom/db/schema';
import { recordAssetAsItIs } from '@darkroom/intake';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { addAssetHashes } from './blocklists.js';
import { restoreRejectedAsset } from './restore.js';

/** Who decides: a tenant (its key) on its own assets, or an admin on anyone's. */
export type DecidingParty = Extract<ModerationDecider, 'tenant' | 'admin'>;

const BLOCKLIST_LABEL = /^blocklist:([0-9a-f-]{36})$/i;

/** Whether a hold names an entry of the deployment's blocklist: an admin's to decide, never a tenant's. */
async function heldByDeploymentList(deps: AppDeps, asset: Asset): Promise<boolean> {
  const ids = asset.moderation.findings.flatMap((f) => {
    const match = f.check === 'blocklist' && f.label ? BLOCKLIST_LABEL.exec(f.label) : null;
    return match ? [match[1]!] : [];
  });
  return (await deploymentEntryIds(deps.db, { ids })).length > 0;
}

/**
 * `POST …/assets/:id/moderation`: a held asset approved or rejected, a ready one rejected (a
 * takedown), and for an admin, a rejected one restored while its original is in quarantine. The
 * asset found by the route (the caller's own, or any for an admin); returns it as decided.
 */
export async function decideOnAsset(
  deps: AppDeps,
  log: FastifyBaseLogger,
  params: { asset: Asset; by: DecidingParty; body: ModerationDecisionBody },
): Promise<Asset> {
  const { asset, by, body } = params;
  if (body.block && body.decision !== 'reject') throw ERRORS.invalidField('block', 'the body', 'it goes with "decision": "reject" alone');
  if (asset.status === 'rejected' && body.decision === 'approve' && by === 'admin') {
    return (await restoreRejectedAsset(deps, log, { asset, reason: body.reason ?? null })) ?? refusal(deps, asset, body.decision);
  }
  const decidable = body.decision === 'approve' ? asset.status === 'held' : asset.status === 'held' || asset.status === 'ready';
  if (!decidable) throw ERRORS.decisionOnUndecidableAsset(asset.status, body.decision);
  if (by === 'tenant' && asset.status === 'held' && (await heldByDeploymentList(deps, asset))) throw ERRORS.deploymentHoldForAdmins();
  const after = body.decision === 'approve' ? await approve(deps, asset, by, body) : await reject(deps, asset, by, body);
  if (!after) return refusal(deps, asset, body.decision);
  // The bucket's record says the decision, so a rebuild (`npm run recover`) neither publishes a
  // rejected asset nor holds an approved one again.
  await recordAssetAsItIs(deps, after.id);
  return after;
}

/**
 * Why a decision changed nothing: the asset moved on since the route read it. Deleted meanwhile, it
 * is gone for the caller (`not_found`, as its next read answers), never its internal `deleting`.
 */
async function refusal(deps: AppDeps, asset: Asset, decision: ModerationDecisionBody['decision']): Promise<never> {
  const now = await getAsset(deps.db, asset);
  if (!now || now.status === 'deleting') throw ERRORS.assetNotFound();
  if (now.status === 'held' && now.moderation.state === 'approved' && decision === 'approve') throw ERRORS.approvedAlready();
  throw ERRORS.decisionOnUndecidableAsset(now.status, decision);
}

async function approve(deps: AppDeps, asset: Asset, by: DecidingParty, body: ModerationDecisionBody): Promise<Asset | undefined> {
  const approved = await approveHeldAsset(deps.db, { id: asset.id, by, reason: body.reason ?? null });
  // Its cached absence forgotten at once: a private one is servable from this answer on.
  if (approved) await deps.announceDeliveryChange({ asset: asset.id });
  return approved;
}

/**
 * `rejected` from `held` or `ready`, with its hashes on the tenant's blocklist in the same
 * transaction when `block` asks. A takedown leaves the public at once as a visibility change does:
 * announced to every delivery process before the answer; the quarantine sweep removes its objects.
 */
async function reject(deps: AppDeps, asset: Asset, by: DecidingParty, body: ModerationDecisionBody): Promise<Asset | undefined> {
  const reason = body.reason ?? null;
  const rejected = await deps.db.transaction(async (tx) => {
    const row = await rejectAsset(tx, {
      id: asset.id,
      from: ['held', 'ready'],
      moderation: decided(asset.moderation, 'rejected', by, reason),
      message: REJECTED_BY_REVIEW,
    });
    if (row && body.block) await addAssetHashes(deps, tx, { tenantId: asset.tenantId, asset: row, reason });
    return row;
  });
  if (rejected) await deps.announceDeliveryChange({ asset: asset.id });
  return rejected;
}
