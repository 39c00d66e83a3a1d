import type { ModerationPolicy } from '@darkroom/core/contract/moderation';
import { describe, expect, it } from 'vitest';
import { rejectionMessage } from '@darkroom/db/queries/moderation';
import { moderationOf } from './verdict.js';

const policy = (over: Partial<ModerationPolicy> = {}): ModerationPolicy => ({
  malware: 'reject',
  blocklist: 'reject',
  classifier: { holdAt: 0.85, rejectAt: 0.98 },
  review: 'none',
  ...over,
});

describe('moderationOf', () => {
  it('is clear when nothing was found, and a low score is no finding', () => {
    expect(moderationOf([{ check: 'classifier', score: 0.2 }], policy())).toEqual({
      state: 'clear',
      findings: [],
      decidedBy: null,
      reason: null,
      decidedAt: null,
    });
  });

  it('rejects a malware match by the policy, naming the signature', () => {
    const m = moderationOf([{ check: 'malware', signature: 'Darkroom.Test.EICAR' }], policy());
    expect(m).toMatchObject({ state: 'rejected', decidedBy: 'policy', findings: [{ check: 'malware', label: 'Darkroom.Test.EICAR', score: null }] });
    expect(rejectionMessage(m)).toMatch(/malware/);
    expect(rejectionMessage(m)).not.toMatch(/EICAR/);
  });

  it('holds a file too large to scan, waiting for a person', () => {
    expect(moderationOf([{ check: 'malware', tooLarge: true }], policy())).toMatchObject({
      state: 'held',
      decidedBy: null,
      findings: [{ check: 'malware', label: 'too_large_to_scan' }],
    });
  });

  it('holds or rejects a blocklist match as the policy says', () => {
    expect(moderationOf([{ check: 'blocklist', entryId: 'e1' }], policy()).state).toBe('rejected');
    const held = moderationOf([{ check: 'blocklist', entryId: 'e1' }], policy({ blocklist: 'hold' }));
    expect(held).toMatchObject({ state: 'held', findings: [{ check: 'blocklist', label: 'blocklist:e1' }] });
  });

  it('holds at holdAt, rejects at rejectAt, and never rejects without one', () => {
    expect(moderationOf([{ check: 'classifier', score: 0.9 }], policy()).state).toBe('held');
    expect(moderationOf([{ check: 'classifier', score: 0.99 }], policy()).state).toBe('rejected');
    expect(moderationOf([{ check: 'classifier', score: 0.99 }], policy({ classifier: { holdAt: 0.85, rejectAt: null } })).state).toBe('held');
  });

  it('holds everything under review: all, unless a check rejected it', () => {
    expect(moderationOf([], policy({ review: 'all' }))).toMatchObject({ state: 'held', findings: [{ check: 'review', label: null }] });
    expect(moderationOf([{ check: 'malware', signature: 'X' }], policy({ review: 'all' })).state).toBe('rejected');
  });

  it('takes the worst of several findings', () => {
    const m = moderationOf(
      [
        { check: 'classifier', score: 0.9 },
        { check: 'blocklist', entryId: 'e2' },
      ],
      policy(),
    );
    expect(m.state).toBe('rejected');
    expect(m.findings.map((f) => f.check)).toEqual(['classifier', 'blocklist']);
  });
});
