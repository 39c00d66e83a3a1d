import { describe, expect, it } from 'vitest';
import { objectOwner } from '../keys.js';
import { bucketClassOf, quotaPeriod, videoSecondsMeter } from './usage.js';

describe('bucket classes', () => {
  it('charges uploads and deletes to A, reads to B, everything else to C', () => {
    expect(['PutObject', 'UploadPart', 'CompleteMultipartUpload', 'DeleteObjects'].map(bucketClassOf)).toEqual(['a', 'a', 'a', 'a']);
    expect(['GetObjectCommand', 'HeadObject'].map(bucketClassOf)).toEqual(['b', 'b']);
    expect(['CopyObject', 'UploadPartCopy', 'ListObjectsV2Command', 'HeadBucket', 'ListParts'].map(bucketClassOf)).toEqual(['c', 'c', 'c', 'c', 'c']);
  });
});

describe('video meters', () => {
  it('splits renditions at 720 and 1080 lines', () => {
    expect([240, 719, 720, 1080, 1081, 2160].map(videoSecondsMeter)).toEqual([
      'video_seconds_sd',
      'video_seconds_sd',
      'video_seconds_hd',
      'video_seconds_hd',
      'video_seconds_uhd',
      'video_seconds_uhd',
    ]);
  });
});

describe('quota periods', () => {
  it('is the UTC month for monthly quotas and all for stored bytes', () => {
    const at = new Date('2026-11-30T23:59:59.999Z');
    expect(quotaPeriod('uploadBytesPerMonth', at)).toBe('2026-11');
    expect(quotaPeriod('deliveryBytesPerMonth', new Date('2026-12-01T00:00:00Z'))).toBe('2026-12');
    expect(quotaPeriod('storedBytes', at)).toBe('all');
  });
});

describe('object owners', () => {
  const tenant = '0b3c6f1e-5d2a-4c8e-9f10-2a3b4c5d6e7f';
  const asset = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
  it('bills originals, variants, delivery renders and quarantine, private or public', () => {
    for (const key of [
      `originals/${tenant}/${asset}`,
      `variants/${tenant}/${asset}/r1/x.webp`,
      `private/variants/${tenant}/${asset}/a.mp4`,
      `delivery/${tenant}/${asset}/r1/w_10.webp`,
      `quarantine/${tenant}/${asset}`,
    ]) {
      expect(objectOwner(key)).toEqual({ tenantId: tenant, billed: true });
    }
  });
  it('counts staging, chunks and records to the tenant, unbilled', () => {
    for (const key of [
      `staging/${tenant}/${asset}`,
      `private/chunks/${tenant}/${asset}/j/0.ts`,
      `records/assets/${tenant}/${asset}.json`,
      `records/tenants/${tenant}.json`,
    ]) {
      expect(objectOwner(key)).toEqual({ tenantId: tenant, billed: false });
    }
  });
  it('gives prefixes above a tenant and keys outside the layout to the deployment', () => {
    for (const key of ['originals/', 'variants/not-a-uuid/x', 'backups/2026/x', '', `private/${tenant}`]) {
      expect(objectOwner(key)).toEqual({ tenantId: null, billed: false });
    }
  });
});
