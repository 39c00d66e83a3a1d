import type { AssetModeration, ModerationFinding, ModerationPolicy } from '@darkroom/core/contract/moderation';
import { TOO_LARGE_TO_SCAN } from '@darkroom/core/contract/moderation';

/** What a check found of an asset, before the policy says what it means. */
export type Observation =
  | { check: 'malware'; signature: string }
  | { check: 'malware'; tooLarge: true }
  | { check: 'blocklist'; entryId: string }
  | { check: 'classifier'; score: number };

export type Outcome = 'clear' | 'held' | 'rejected';

/** A finding as the asset shows it, and what the tenant's policy does with it. */
export interface Weighed {
  finding: ModerationFinding;
  outcome: Outcome;
}

/** One observation under the policy (a check the policy has off was not run, so it cannot observe). */
export function weigh(observation: Observation, policy: ModerationPolicy): Weighed {
  switch (observation.check) {
    case 'malware':
      // Too large to scan is never published unscanned: held for a person.
      return 'tooLarge' in observation
        ? { finding: { check: 'malware', label: TOO_LARGE_TO_SCAN, score: null }, outcome: 'held' }
        : { finding: { check: 'malware', label: observation.signature, score: null }, outcome: 'rejected' };
    case 'blocklist':
      return {
        finding: { check: 'blocklist', label: `blocklist:${observation.entryId}`, score: null },
        outcome: policy.blocklist === 'hold' ? 'held' : 'rejected',
      };
    case 'classifier': {
      const classifier = policy.classifier === 'off' ? null : policy.classifier;
      const finding: ModerationFinding = { check: 'classifier', label: 'explicit', score: roundScore(observation.score) };
      if (!classifier || observation.score < classifier.holdAt) return { finding, outcome: 'clear' };
      return { finding, outcome: classifier.rejectAt !== null && observation.score >= classifier.rejectAt ? 'rejected' : 'held' };
    }
  }
}

const roundScore = (score: number) => Math.round(score * 10_000) / 10_000;

/**
 * The asset's moderation after its checks: the worst outcome of any finding; `review: all` holds
 * what nothing rejected. Only findings that held or rejected are kept (a low classifier score is
 * no finding).
 */
export function moderationOf(observations: readonly Observation[], policy: ModerationPolicy): AssetModeration {
  const weighed = observations.map((o) => weigh(o, policy)).filter((w) => w.outcome !== 'clear');
  const rejected = weighed.some((w) => w.outcome === 'rejected');
  const findings = weighed.map((w) => w.finding);
  if (!rejected && policy.review === 'all') findings.push({ check: 'review', label: null, score: null });
  const state = rejected ? 'rejected' : findings.length > 0 ? 'held' : 'clear';
  // A hold waits for a person's decision; a rejection is the policy's own.
  return { state, findings, decidedBy: rejected ? 'policy' : null, reason: null, decidedAt: rejected ? new Date().toISOString() : null };
}
