import { z } from 'zod';

/**
 * Usage as the contract names it (docs/api.md#usage): the meters, counted per tenant per hour (UTC),
 * and a tenant's quotas. Browser-safe: the published client reads these shapes.
 */
export const METERS = [
  'uploads',
  'upload_bytes',
  'stored_bytes',
  'stored_bytes_peak',
  'stored_bytes_unbilled',
  'image_renders',
  'video_seconds_sd',
  'video_seconds_hd',
  'video_seconds_uhd',
  'audio_seconds',
  'delivery_requests',
  'delivery_bytes',
  'bucket_class_a',
  'bucket_class_b',
  'bucket_class_c',
  'presigned_urls_a',
  'presigned_urls_b',
  'import_items',
  'webhook_deliveries',
] as const;
export type Meter = (typeof METERS)[number];

/**
 * Meters whose hourly value is a level, not a count of events: a period's value is the sum of its
 * hours' levels (byte-hours) for `stored_bytes` and `stored_bytes_unbilled`, the largest for the peak.
 */
export const LEVEL_METERS = ['stored_bytes', 'stored_bytes_peak', 'stored_bytes_unbilled'] as const satisfies readonly Meter[];
export type LevelMeter = (typeof LEVEL_METERS)[number];
/** The meters an event adds to (every meter but the levels, which the storage ledger keeps). */
export type CountedMeter = Exclude<Meter, LevelMeter>;

export function isLevelMeter(meter: Meter): meter is LevelMeter {
  return (LEVEL_METERS as readonly Meter[]).includes(meter);
}

/** The video meter of a rendition by its output height: SD below 720, HD to 1080, UHD above. */
export function videoSecondsMeter(height: number): 'video_seconds_sd' | 'video_seconds_hd' | 'video_seconds_uhd' {
  if (height < 720) return 'video_seconds_sd';
  return height <= 1080 ? 'video_seconds_hd' : 'video_seconds_uhd';
}

/** B2's transaction classes: A uploads and deletes, B reads, C listings, copies and the rest. */
export type BucketClass = 'a' | 'b' | 'c';
const CLASS_A = new Set([
  'PutObject',
  'UploadPart',
  'CreateMultipartUpload',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'DeleteObject',
  'DeleteObjects',
]);
const CLASS_B = new Set(['GetObject', 'HeadObject']);

/** The class of one S3 operation by its name (`PutObjectCommand`'s is `PutObject`). */
export function bucketClassOf(operation: string): BucketClass {
  const name = operation.endsWith('Command') ? operation.slice(0, -'Command'.length) : operation;
  if (CLASS_A.has(name)) return 'a';
  return CLASS_B.has(name) ? 'b' : 'c';
}

export const BUCKET_CLASS_METER = { a: 'bucket_class_a', b: 'bucket_class_b', c: 'bucket_class_c' } as const satisfies Record<BucketClass, Meter>;

export const QUOTAS = ['storedBytes', 'uploadBytesPerMonth', 'videoSecondsPerMonth', 'imageRendersPerMonth', 'deliveryBytesPerMonth'] as const;
export type QuotaName = (typeof QUOTAS)[number];

/** What each quota limits: the meter it reads, and whether it is a level held now or a month's sum. */
export const QUOTA_METERS: Record<QuotaName, { meters: readonly CountedMeter[] | 'stored'; monthly: boolean }> = {
  storedBytes: { meters: 'stored', monthly: false },
  uploadBytesPerMonth: { meters: ['upload_bytes'], monthly: true },
  videoSecondsPerMonth: { meters: ['video_seconds_sd', 'video_seconds_hd', 'video_seconds_uhd'], monthly: true },
  imageRendersPerMonth: { meters: ['image_renders'], monthly: true },
  deliveryBytesPerMonth: { meters: ['delivery_bytes'], monthly: true },
};

const quotaLimit = z.number().int().positive().nullable();
export const TenantQuotas = z
  .object({
    storedBytes: quotaLimit.optional().describe('Bytes the billed prefixes may hold at once'),
    uploadBytesPerMonth: quotaLimit.optional().describe('Bytes of originals confirmed in a calendar month (UTC)'),
    videoSecondsPerMonth: quotaLimit.optional().describe('Seconds of video output encoded in a month, every rung'),
    imageRendersPerMonth: quotaLimit.optional().describe('Image renders in a month (still served past it: flagged by events)'),
    deliveryBytesPerMonth: quotaLimit.optional().describe('Bytes the delivery server sent in a month (still served past it)'),
  })
  .strict()
  .meta({ id: 'TenantQuotas' });
export type TenantQuotas = z.infer<typeof TenantQuotas>;

/** A quota's period: the calendar month in UTC (`2026-11`), or `all` for a level (`storedBytes`). */
export function quotaPeriod(quota: QuotaName, at: Date = new Date()): string {
  return QUOTA_METERS[quota].monthly ? at.toISOString().slice(0, 7) : 'all';
}

/** The share of a quota at which `tenant.quota.warning` is sent (once per quota per month). */
export const QUOTA_WARNING_SHARE = 0.8;
