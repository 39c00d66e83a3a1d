import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPrivateLink } from './delivery.js';
import { PRIVATE_EXP_PATTERN, privateAssetBase, privateExpiry, privateSignedPath, signPrivatePath } from './private-links.js';

describe('private links', () => {
  it('signs p/{exp}/{assetId} with HMAC-SHA256, 22 characters of base64url, alike in Web Crypto and Node', async () => {
    const key = 'dsk_0123456789abcdef0123456789abcdef';
    const assetId = '0190f5a2-7c1e-7000-8000-000000000001';
    const expected = createHmac('sha256', key).update(`p/1764000000/${assetId}`).digest('base64url').slice(0, 22);
    expect(await signPrivatePath(key, 1764000000, assetId)).toBe(expected);
    expect(signPrivateLink(key, 1764000000, assetId)).toBe(expected);
    expect(privateSignedPath(1764000000, assetId)).toBe(`p/1764000000/${assetId}`);
  });

  it('rounds an expiry up to the next five minutes, so URLs minted within them are the same', () => {
    expect(privateExpiry(1_000_000_000, 3600)).toBe(1_000_003_800);
    expect(privateExpiry(1_000_000_100, 3600)).toBe(1_000_003_800);
    expect(privateExpiry(1_000_000_201, 3600)).toBe(1_000_004_100);
    expect(privateExpiry(999_999_900.7, 3600)).toBe(1_000_003_500);
  });

  it('takes only the contract form of exp', () => {
    for (const ok of ['1', '1764000000', '999999999999']) expect(PRIVATE_EXP_PATTERN.test(ok)).toBe(true);
    for (const bad of ['0', '01764000000', '+1764000000', '-1', '1764000000.5', '1'.repeat(13), '1e9', '']) {
      expect(PRIVATE_EXP_PATTERN.test(bad)).toBe(false);
    }
  });

  it('builds the asset base every rest is appended to', () => {
    expect(privateAssetBase('https://cdn.example/', 300, 'abc', 'id')).toBe('https://cdn.example/p/300/abc/id');
  });
});
