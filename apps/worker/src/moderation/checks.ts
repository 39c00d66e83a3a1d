import type { AssetModeration, ModerationPolicy } from '@darkroom/core/contract/moderation';
import { moderationPolicyOf } from '@darkroom/core/contract/moderation';
import { findBlocklistMatches } from '@darkroom/db/queries/blocklist';
import { completeJob } from '@darkroom/db/queries/jobs';
import { recordModerationChecks, rejectAsset, rejectionMessage } from '@darkroom/db/queries/moderation';
import { ERRORS } from '@darkroom/core/error-factories';
import { BadMediaError } from '@darkroom/core/errors';
import type { Asset, Tenant } from '@darkroom/db/schema';
import { recordAssetAsItIs } from '@darkroom/intake';
import {
  ClassifierUnavailableError,
  coverArtPixels,
  displayedPixels,
  explicitScoreOfFrames,
  perceptualHash,
  probeVideo,
  sampleVideoFrames,
  type DisplayedPixels,
} from '@darkroom/media';
import type { WorkerDeps } from '../deps.js';
import type { LocalOriginal } from '../render/fetch-original.js';
import type { Admit } from '../render/stage-timer.js';
import { ensureDeliveryKey } from './held-links.js';
import { classifierAnswered } from './scanner-report.js';
import { moderationOf, type Observation } from './verdict.js';

/** The long side of the pictures the checks see: the whole image as displayed, small enough to decode fast. */
const PICTURE_SIDE = 640;
/** A video's frames the checks see, spread over its length; the highest classifier score counts. */
const VIDEO_FRAMES = 5;

/** The policy an asset's checks follow: its tenant's fields over the deployment's defaults. */
export const policyOf = (deps: WorkerDeps, tenant: Pick<Tenant, 'moderation'> | undefined): ModerationPolicy =>
  moderationPolicyOf(tenant?.moderation, deps.config.moderation.defaults);

/** Whether a render must run the checks first: they have not run, and nobody decided. */
export const checksOwed = (asset: Asset): boolean => asset.moderation.state === 'pending';

export interface CheckRun {
  deps: WorkerDeps;
  asset: Asset;
  /** The downloaded original, with its malware scan when the policy asked for one. */
  original: LocalOriginal;
  jobId: string;
  signal?: AbortSignal | undefined;
  /** The render gate's admission, which a picture's decode waits for as a render's does (an image's, a cover's). */
  admit: Admit;
}

/**
 * Runs the checks on the downloaded original and records what they found, before any render:
 * `rejected` (the asset is rejected and its job completed: nothing is rendered), or the asset as
 * recorded (held: it renders to the private place; clear: as before). The malware verdict comes
 * first, so a file that carries a signature is never decoded.
 */
export async function runChecks(run: CheckRun, policy: ModerationPolicy): Promise<Asset | 'rejected'> {
  const observations: Observation[] = [];
  const { scan } = run.original;
  if (scan?.outcome === 'infected') observations.push({ check: 'malware', signature: scan.signature });
  if (scan?.outcome === 'too_large') observations.push({ check: 'malware', tooLarge: true });
  let hashes: bigint[] | null = null;
  if (scan?.outcome !== 'infected' && (policy.blocklist !== 'off' || policy.classifier !== 'off')) {
    const pictures = await picturesOf(run);
    if (policy.blocklist !== 'off') {
      hashes = await Promise.all(pictures.map((p) => perceptualHash(p)));
      observations.push(...(await blocklistObservations(run, hashes)));
    }
    if (policy.classifier !== 'off' && pictures.length > 0) observations.push({ check: 'classifier', score: await explicitScoreOf(pictures) });
  }
  const moderation = moderationOf(observations, policy);
  if (moderation.state === 'rejected') return reject(run, moderation);
  if (moderation.state === 'held') await ensureDeliveryKey(run.deps, run.asset.tenantId);
  const recorded = await recordModerationChecks(run.deps.db, { id: run.asset.id, moderation, perceptualHashes: hashes });
  if (!recorded) throw new Error('the asset changed while it was checked');
  // So a rebuild keeps it held: one PUT per hold; a clear asset's render carries its record on its variants.
  if (moderation.state === 'held') await recordAssetAsItIs(run.deps, run.asset.id);
  return recorded;
}

/** The classifier's highest score of the pictures; its health reported as it answers (a load that fails waits, scanner_unavailable). */
async function explicitScoreOf(pictures: DisplayedPixels[]): Promise<number> {
  try {
    const { score } = await explicitScoreOfFrames(pictures);
    classifierAnswered(true);
    return score;
  } catch (error) {
    if (error instanceof ClassifierUnavailableError) classifierAnswered(false);
    throw error;
  }
}

async function reject(run: CheckRun, moderation: AssetModeration): Promise<'rejected'> {
  await run.deps.db.transaction(async (tx) => {
    await rejectAsset(tx, { id: run.asset.id, from: ['processing'], moderation, message: rejectionMessage(moderation) });
    await completeJob(tx, { id: run.jobId });
  });
  // So a rebuild keeps it rejected (the quarantine sweep writes it again once the original has moved).
  await recordAssetAsItIs(run.deps, run.asset.id);
  return 'rejected';
}

/** The whole picture as displayed: an image's downscale, a video's sampled frames, audio's cover art (none: nothing to see). */
export async function picturesOf(run: CheckRun): Promise<DisplayedPixels[]> {
  const { deps, asset, original, signal, admit } = run;
  const { maxInputPixels, tmpDir } = deps.config;
  if (asset.kind === 'video') {
    const { maxDurationSeconds, maxPixels } = deps.config.video;
    const probe = await probeVideo(original.path, { maxDurationSeconds, maxPixels, signal });
    return sampleVideoFrames(original.path, probe, { count: VIDEO_FRAMES, longSide: PICTURE_SIDE, signal });
  }
  if (asset.kind === 'audio') {
    const cover = await coverArtPixels(original.path, { maxInputPixels, longSide: PICTURE_SIDE, signal, tempDir: tmpDir, admit }).catch(
      (error: unknown) => {
        // The image pipeline's code, in a sentence that says it is the cover art (as the render's).
        throw error instanceof BadMediaError ? ERRORS.coverArtRefused(error) : error;
      },
    );
    return cover ? [cover] : [];
  }
  return [await displayedPixels(original.path, { maxInputPixels, longSide: PICTURE_SIDE, timeoutSeconds: deps.config.jobTimeoutMs / 1000, admit })];
}

async function blocklistObservations(run: CheckRun, hashes: bigint[]): Promise<Observation[]> {
  if (hashes.length === 0) return [];
  const matches = await findBlocklistMatches(run.deps.db, {
    tenantId: run.asset.tenantId,
    hashes,
    maxDistance: run.deps.config.moderation.blocklistMaxDistance,
  });
  // One finding per entry, whichever frames matched it.
  return [...new Set(matches.map((m) => m.entryId))].map((entryId) => ({ check: 'blocklist' as const, entryId }));
}
