import type { Meter } from '@darkroom/core/contract/usage';

/** What a meter's number counts (docs/api.md#usage's table): how the console and `npm run usage` write it. */
export type MeterUnit = 'count' | 'bytes' | 'byte-hours' | 'seconds';

export const METER_UNITS: Record<Meter, MeterUnit> = {
  uploads: 'count',
  upload_bytes: 'bytes',
  stored_bytes: 'byte-hours',
  stored_bytes_peak: 'bytes',
  stored_bytes_unbilled: 'byte-hours',
  image_renders: 'count',
  video_seconds_sd: 'seconds',
  video_seconds_hd: 'seconds',
  video_seconds_uhd: 'seconds',
  audio_seconds: 'seconds',
  delivery_requests: 'count',
  delivery_bytes: 'bytes',
  bucket_class_a: 'count',
  bucket_class_b: 'count',
  bucket_class_c: 'count',
  presigned_urls_a: 'count',
  presigned_urls_b: 'count',
  import_items: 'count',
  webhook_deliveries: 'count',
};

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** 1536000 → "1.54 MB": decimal units, as bills and buckets count them. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${BYTE_UNITS[unit]}`;
}

/** 5025 → "1 h 23 min 45 s": how an operator reads minutes of video. */
export function formatSeconds(seconds: number): string {
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  return h > 0 ? `${h.toLocaleString('en-US')} h ${m} min ${s} s` : `${m} min ${s} s`;
}

/** A meter's value for people, in its unit: bytes and byte-hours in decimal units, seconds as h/min/s, counts grouped. */
export function formatMeter(meter: Meter, value: number): string {
  switch (METER_UNITS[meter]) {
    case 'bytes':
      return formatBytes(value);
    case 'byte-hours':
      return `${formatBytes(value)}·h`;
    case 'seconds':
      return formatSeconds(value);
    default:
      return Math.round(value).toLocaleString('en-US');
  }
}
