import { describe, expect, it } from 'vitest';
import { mergeModerationPolicy } from './policy.js';

describe('mergeModerationPolicy', () => {
  it('changes the fields named, keeps the others, and drops those put back to their default', () => {
    const current = { malware: 'reject' as const, review: 'all' as const };
    expect(mergeModerationPolicy(current, { blocklist: 'hold', review: null })).toEqual({ malware: 'reject', blocklist: 'hold' });
  });

  it('resets everything with null, and stores null when no field is left', () => {
    expect(mergeModerationPolicy({ malware: 'reject' }, null)).toBeNull();
    expect(mergeModerationPolicy({ malware: 'reject' }, { malware: null })).toBeNull();
    expect(mergeModerationPolicy(null, { classifier: { holdAt: 0.8 } })).toEqual({ classifier: { holdAt: 0.8 } });
  });
});
