import { z } from 'zod';

/**
 * Moderation as the contract names it (docs/api.md#moderation): an asset's state and findings, a
 * tenant's policy, a decision, a blocklist entry. Browser-safe: the published client reads these shapes.
 */
export const MODERATION_STATES = ['pending', 'clear', 'held', 'approved', 'rejected'] as const;
export type ModerationState = (typeof MODERATION_STATES)[number];
export const MODERATION_CHECKS = ['malware', 'blocklist', 'classifier', 'review'] as const;
export type ModerationCheck = (typeof MODERATION_CHECKS)[number];
export const MODERATION_DECIDERS = ['policy', 'tenant', 'admin'] as const;
export type ModerationDecider = (typeof MODERATION_DECIDERS)[number];

/** The finding of a file past CLAMD_MAX_BYTES: held, never published unscanned. */
export const TOO_LARGE_TO_SCAN = 'too_large_to_scan';
/** A decision's reason, at most. */
export const MAX_DECISION_REASON = 500;

export const ModerationFinding = z
  .object({
    check: z.enum(MODERATION_CHECKS),
    label: z
      .string()
      .nullable()
      .describe('The signature name (`malware`), `explicit` (`classifier`), `blocklist:<entryId>` (`blocklist`), or `too_large_to_scan`'),
    score: z.number().nullable().describe("The classifier's score (0..1); null for other checks"),
  })
  .meta({ id: 'ModerationFinding' });
export type ModerationFinding = z.infer<typeof ModerationFinding>;

export const AssetModeration = z
  .object({
    state: z.enum(MODERATION_STATES).describe('`pending` until the checks ran; `clear` when none held it; `approved` / `rejected` after a decision'),
    findings: z.array(ModerationFinding),
    decidedBy: z.enum(MODERATION_DECIDERS).nullable(),
    reason: z.string().nullable(),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'AssetModeration' });
export type AssetModeration = z.infer<typeof AssetModeration>;

/** An asset before its checks ran (and every asset made before moderation, until it is ready). */
export const PENDING_MODERATION: AssetModeration = { state: 'pending', findings: [], decidedBy: null, reason: null, decidedAt: null };

const score = z.number().min(0).max(1);
export const ClassifierPolicy = z.union([
  z.literal('off'),
  z
    .object({
      holdAt: score.describe('A score at or above it holds the asset'),
      rejectAt: score.nullable().optional().describe('A score at or above it rejects the asset; absent or null: the classifier never rejects'),
    })
    .strict(),
]);
export type ClassifierPolicy = z.infer<typeof ClassifierPolicy>;

/** A tenant's policy as it set it: a field absent or null takes the deployment's default (MODERATION_*). */
export const ModerationPolicyPatch = z
  .object({
    malware: z.enum(['reject', 'off']).nullable().optional(),
    blocklist: z.enum(['reject', 'hold', 'off']).nullable().optional(),
    classifier: ClassifierPolicy.nullable().optional(),
    review: z.enum(['none', 'all']).nullable().optional(),
  })
  .strict()
  .meta({ id: 'ModerationPolicy' });
export type ModerationPolicyPatch = z.infer<typeof ModerationPolicyPatch>;

/** The policy in force: every field set. */
export interface ModerationPolicy {
  malware: 'reject' | 'off';
  blocklist: 'reject' | 'hold' | 'off';
  classifier: { holdAt: number; rejectAt: number | null } | 'off';
  review: 'none' | 'all';
}

/** The tenant's fields over the deployment's defaults. */
export function moderationPolicyOf(patch: ModerationPolicyPatch | null | undefined, defaults: ModerationPolicy): ModerationPolicy {
  const classifier = patch?.classifier ?? defaults.classifier;
  return {
    malware: patch?.malware ?? defaults.malware,
    blocklist: patch?.blocklist ?? defaults.blocklist,
    classifier: classifier === 'off' ? 'off' : { holdAt: classifier.holdAt, rejectAt: classifier.rejectAt ?? null },
    review: patch?.review ?? defaults.review,
  };
}

/** Whether the policy runs any check on an asset's content (else moderation costs nothing). */
export const checksContent = (policy: ModerationPolicy): boolean =>
  policy.malware !== 'off' || policy.blocklist !== 'off' || policy.classifier !== 'off';

export const ModerationDecisionBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().max(MAX_DECISION_REASON).optional(),
    block: z.boolean().optional().describe("With `reject`: the asset's perceptual hashes join the tenant's blocklist"),
  })
  .strict()
  .meta({ id: 'ModerationDecision' });
export type ModerationDecisionBody = z.infer<typeof ModerationDecisionBody>;

/** A perceptual hash as the API writes it: `phash:` and 16 hex digits. */
export const PHASH_PATTERN = /^phash:[0-9a-f]{16}$/;
export const phashText = (hash: bigint): string => `phash:${BigInt.asUintN(64, hash).toString(16).padStart(16, '0')}`;
export const phashValue = (text: string): bigint => BigInt.asIntN(64, BigInt(`0x${text.slice('phash:'.length)}`));

export const BlocklistEntryView = z
  .object({
    id: z.string(),
    hash: z.string().describe('`phash:` and 16 hex digits'),
    reason: z.string().nullable(),
    createdAt: z.string(),
    assetId: z.string().nullable().describe('The asset whose hash it is, when it was added from one'),
  })
  .meta({ id: 'BlocklistEntry' });
export type BlocklistEntryView = z.infer<typeof BlocklistEntryView>;

export const BlocklistEntryBody = z.union([
  z.object({ hash: z.string().regex(PHASH_PATTERN), reason: z.string().max(MAX_DECISION_REASON).optional() }).strict(),
  z.object({ assetId: z.string(), reason: z.string().max(MAX_DECISION_REASON).optional() }).strict(),
]);
export type BlocklistEntryBody = z.infer<typeof BlocklistEntryBody>;
