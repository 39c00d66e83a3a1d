import type { AssetView } from '@darkroom/core/contract/asset';
import { describe, expect, it } from 'vitest';
import { expectEscaped, hostile } from '../../../../../test/support/escaping.js';
import { reviewPage } from './review.html.js';

const ASSET_ID = '0190d8f0-0000-7000-8000-000000000030';
const TENANT_ID = '0190d8f0-0000-7000-8000-000000000031';

const heldAsset = (filename: string, label: string) =>
  ({
    id: ASSET_ID,
    status: 'held',
    filename,
    variants: [{ kind: 'image', url: 'http://delivery.test/p/1/sig/x/thumb.webp' }],
    moderation: { state: 'held', findings: [{ check: 'classifier', label, score: 0.925 }], decidedBy: 'policy', reason: null, decidedAt: null },
  }) as unknown as AssetView;

const model = (overrides: Partial<Parameters<typeof reviewPage>[0]> = {}) => ({
  nonce: 'n0nce',
  tenantId: '',
  held: [],
  tenantNames: new Map<string, string>(),
  nextCursor: null,
  entries: [],
  moreEntries: false,
  scanners: new Map(),
  ...overrides,
});

describe('review page', () => {
  it('escapes the filename, findings, tenant name, blocklist reason, filter and notice', () => {
    const page = reviewPage(
      model({
        tenantId: hostile('filter'),
        notice: hostile('notice'),
        held: [{ tenantId: TENANT_ID, asset: heldAsset(hostile('filename'), hostile('label')) }],
        tenantNames: new Map([[TENANT_ID, hostile('tenant name')]]),
        entries: [{ id: 'e1', hash: 'phash:0123456789abcdef', reason: hostile('reason'), createdAt: '2026-01-01T00:00:00.000Z', assetId: null }],
      }),
    );
    expectEscaped(page, ['filename', 'label', 'tenant name', 'reason', 'filter', 'notice'], 1);
  });

  it('shows each held asset through its private link, with its score and three labelled decisions', () => {
    const page = reviewPage(model({ held: [{ tenantId: TENANT_ID, asset: heldAsset('cat.jpg', 'explicit') }] }));
    expect(page).toContain('<img class="thumb" src="http://delivery.test/p/1/sig/x/thumb.webp" alt="cat.jpg, held">');
    expect(page).toContain('<span class="score">0.93</span>');
    expect(page).toContain(`<label for="reason-${ASSET_ID}">`);
    for (const action of ['approve', 'reject', 'block']) expect(page).toContain(`data-action="${action}"`);
    expect(reviewPage(model())).toContain('No held assets.');
  });

  it('says when a worker reports a scanner down', () => {
    const scanners = new Map([['w1', { clamd: 'down' as const, classifier: 'off' as const, at: '2026-01-01T00:00:00.000Z' }]]);
    expect(reviewPage(model({ scanners }))).toContain('clamd <span class="scanner" data-state="down">down</span>');
  });
});
