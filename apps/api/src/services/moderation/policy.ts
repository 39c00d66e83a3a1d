import type { ModerationPolicyPatch } from '@darkroom/core/contract/moderation';

/**
 * A tenant's moderation fields after a PATCH: null resets them all to the deployment's defaults; an
 * object changes the fields it names (null in one: back to its default) and keeps the others.
 * Stored without the defaulted fields; none left: null.
 */
export function mergeModerationPolicy(current: ModerationPolicyPatch | null, patch: ModerationPolicyPatch | null): ModerationPolicyPatch | null {
  if (patch === null) return null;
  const merged = Object.entries({ ...current, ...patch }).filter(([, value]) => value !== null && value !== undefined);
  return merged.length === 0 ? null : (Object.fromEntries(merged) as ModerationPolicyPatch);
}
