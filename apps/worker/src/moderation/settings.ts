import type { ModerationPolicy } from '@darkroom/core/contract/moderation';
import { durationSetting } from '@darkroom/core/env';
import { z } from 'zod';

/**
 * The deployment's moderation defaults and limits (docs/configuration.md#moderation). A tenant's
 * policy (`PATCH /v1/admin/tenants/:id`) overrides each field it sets.
 */
const score = z.coerce.number().min(0).max(1).optional();
export const moderationEnvSettings = {
  MODERATION_MALWARE: z.enum(['reject', 'off']).default('off'),
  MODERATION_BLOCKLIST: z.enum(['reject', 'hold', 'off']).default('reject'),
  /** Unset: the classifier is off by default. */
  MODERATION_CLASSIFIER_HOLD_AT: score,
  /** Unset: the classifier never rejects (it holds). */
  MODERATION_CLASSIFIER_REJECT_AT: score,
  MODERATION_REVIEW: z.enum(['none', 'all']).default('none'),
  /**
   * A perceptual hash within this many bits of an entry matches it. At most 11: the lookup probes
   * every value within ⌊d/3⌋ bits of each third of the hash, 1,562 values a third at 11.
   */
  BLOCKLIST_MAX_DISTANCE: z.coerce.number().int().min(0).max(11).default(8),
  /** A rejected asset's original is kept in `quarantine/` this long (an admin may restore it), then deleted. */
  QUARANTINE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How often rejected assets' variants are deleted and originals quarantined (and expired ones deleted); `off`: not here. */
  QUARANTINE_INTERVAL: z.union([z.literal('off').transform(() => null), durationSetting('5s', 100)]),
};

const moderationEnvSchema = z.object(moderationEnvSettings);
type ModerationEnv = z.infer<typeof moderationEnvSchema>;

export interface ModerationConfig {
  /** What a tenant that sets no policy gets. */
  defaults: ModerationPolicy;
  blocklistMaxDistance: number;
  quarantineMs: number;
  quarantineIntervalMs: number | null;
}

export function moderationConfigOf(e: ModerationEnv): ModerationConfig {
  const holdAt = e.MODERATION_CLASSIFIER_HOLD_AT;
  const rejectAt = e.MODERATION_CLASSIFIER_REJECT_AT ?? null;
  return {
    defaults: {
      malware: e.MODERATION_MALWARE,
      blocklist: e.MODERATION_BLOCKLIST,
      // A reject threshold alone holds nothing below it: the classifier runs, holding at that score.
      classifier: holdAt === undefined && rejectAt === null ? 'off' : { holdAt: holdAt ?? rejectAt!, rejectAt },
      review: e.MODERATION_REVIEW,
    },
    blocklistMaxDistance: e.BLOCKLIST_MAX_DISTANCE,
    quarantineMs: e.QUARANTINE_DAYS * 86_400_000,
    quarantineIntervalMs: e.QUARANTINE_INTERVAL,
  };
}
