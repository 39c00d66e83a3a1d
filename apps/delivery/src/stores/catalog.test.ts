import { createSecretBox } from '@darkroom/core/webhooks';
import { deliveryKeyAad, signDeliveryPath } from '@darkroom/core/delivery';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tenantOf } from './delivery-tenant.js';
import { createVerifiedSignatures, type VerifiedSignatures } from './verified-signatures.js';

const box = createSecretBox('a-long-enough-webhook-key-5e2d8c4b1a09');
const tenantId = '01920000-0000-7000-8000-00000000000a';
const path = `01920000-0000-7000-8000-000000000001/1/w_641`;
const [current, previous, stranger] = ['dsk_current-key-000000000000000000000000000000', 'dsk_previous-key-00000000000000000000000000000', 'dsk_x'];
const warnings: object[] = [];
const log = { warn: (object: object) => warnings.push(object) };

function tenant(settings: {
  current?: string | null;
  previous?: string | null;
  expiresAt?: Date | null;
  delivery?: unknown;
  sealedWith?: typeof box;
  verified?: VerifiedSignatures;
}) {
  const sealer = settings.sealedWith ?? box;
  const seal = (key: string | null | undefined) => (key ? sealer.seal(key, deliveryKeyAad(tenantId)) : null);
  return tenantOf(
    {
      tenantId,
      delivery: (settings.delivery ?? {}) as never,
      deliveryKeySealed: seal(settings.current),
      previousDeliveryKeySealed: seal(settings.previous),
      previousDeliveryKeyExpiresAt: settings.expiresAt ?? null,
    },
    { secretBox: box, log, ...(settings.verified ? { verified: settings.verified } : {}) },
  );
}

describe('tenantOf: signature verification', () => {
  it('verifies with the current key, and with the previous one only until it expires', () => {
    const inOverlap = tenant({ current, previous, expiresAt: new Date(Date.now() + 60_000) });
    expect(inOverlap.verify(path, signDeliveryPath(current, path))).toBe(true);
    expect(inOverlap.verify(path, signDeliveryPath(previous, path))).toBe(true);
    expect(inOverlap.verify(path, signDeliveryPath(stranger, path))).toBe(false);
    expect(inOverlap.currentKey).toBe(current);
    const expired = tenant({ current, previous, expiresAt: new Date(Date.now() - 1) });
    expect(expired.verify(path, signDeliveryPath(previous, path))).toBe(false);
    expect(expired.verify(path, signDeliveryPath(current, path))).toBe(true);
  });

  it('verifies nothing without a key, or with a key sealed under another WEBHOOK_SECRET_KEY (and says so)', () => {
    const none = tenant({});
    expect(none.verify(path, signDeliveryPath(current, path))).toBe(false);
    expect(none.currentKey).toBeNull();
    const foreign = tenant({ current, sealedWith: createSecretBox('another-long-enough-key-9f8e7d6c5b4a') });
    expect(foreign.verify(path, signDeliveryPath(current, path))).toBe(false);
    expect(warnings.length).toBeGreaterThan(0);
    expect(JSON.stringify(warnings)).not.toContain(current);
  });

  it("takes the tenant's stored policy over the defaults, and the defaults for a stored value it cannot read", () => {
    expect(tenant({ delivery: { widths: [300], avif: false } }).policy).toMatchObject({ widths: [300], avif: false, quality: 75 });
    expect(tenant({ delivery: { widths: 'all' } }).policy.widths).toContain(640);
  });

  describe('with signatures remembered', () => {
    afterEach(() => vi.useRealTimers());

    it("verifies a remembered signature as it did, a previous key's only until its overlap ends", () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(1_000_000);
      const verified = createVerifiedSignatures(100);
      const record = tenant({ current, previous, expiresAt: new Date(1_060_000), verified });
      for (let i = 0; i < 2; i++) {
        expect(record.verify(path, signDeliveryPath(current, path))).toBe(true);
        expect(record.verify(path, signDeliveryPath(previous, path))).toBe(true);
        expect(record.verify(path, signDeliveryPath(stranger, path))).toBe(false);
      }
      vi.setSystemTime(1_060_000);
      expect(record.verify(path, signDeliveryPath(previous, path))).toBe(false);
      expect(record.verify(path, signDeliveryPath(current, path))).toBe(true);
    });

    it('forgets with the record: the tenant read again without a key (revoked) verifies nothing it verified before', () => {
      const verified = createVerifiedSignatures(100);
      const signature = signDeliveryPath(previous, path);
      expect(tenant({ current: previous, verified }).verify(path, signature)).toBe(true);
      expect(tenant({ current, verified }).verify(path, signature)).toBe(false);
      expect(tenant({ current, previous, expiresAt: new Date(Date.now() - 1), verified }).verify(path, signature)).toBe(false);
    });
  });
});
