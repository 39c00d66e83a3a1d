import { createHash, createHmac } from 'node:crypto';
import type { StorageConfig } from './config.js';
import { StorageRequestError } from './errors.js';
import type { PresignedRequest, PresignPartOptions, PresignPutOptions } from './types.js';

/** SigV4 presigned URLs cannot live longer than 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;

/** RFC 3986 unreserved characters stay; everything else is %-encoded, as SigV4 wants. */
function uriEncode(value: string): string {
  // Most names and values (ids, dates, numbers) have nothing to encode: the test is cheaper than the encoding.
  if (UNRESERVED.test(value)) return value;
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An object key as a SigV4 path: each segment encoded, the slashes kept. */
const encodeKey = (key: string) => (UNRESERVED_PATH.test(key) ? key : key.split('/').map(uriEncode).join('/'));

/** `name=value` pairs, encoded and sorted by name, as a canonical query string lists them. */
const queryPairs = (q: Record<string, string>) =>
  Object.keys(q)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(q[k]!)}`);

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');

function checkPresignInput(contentLength: number, expiresInSeconds: number): void {
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) {
    throw new StorageRequestError(`contentLength must be a non-negative integer, got ${contentLength}`);
  }
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new StorageRequestError(`expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}, got ${expiresInSeconds}`);
  }
}

export interface Presigner {
  presignPut(options: PresignPutOptions, now?: Date): PresignedRequest;
  presignUploadPart(options: PresignPartOptions, now?: Date): PresignedRequest;
}

/**
 * A long-lived SigV4 query presigner for path-style PUTs, byte for byte what the AWS SDK's
 * `getSignedUrl` produces (presigner.test.ts compares them), without its per-call middleware
 * stack. The signing key depends only on the day, region and service, so it is derived once a day
 * instead of four HMACs per URL. The API bench's presign row: 55–70 µs a URL against 870–1070 µs
 * for `getSignedUrl` on the same machine (about 15×).
 *
 * Like the SDK with `requestChecksumCalculation: WHEN_REQUIRED`, it bakes no checksum into the
 * URL (B2 would refuse one computed for an empty body), and it signs content-length (and for a
 * whole-object PUT, content-type) so the bucket itself refuses another size or type.
 */
export function createPresigner(config: Pick<StorageConfig, 'endpoint' | 'region' | 'accessKeyId' | 'secretAccessKey'>): Presigner {
  const endpoint = new URL(config.endpoint);
  const host = endpoint.host;
  const base = `${endpoint.protocol}//${host}`;
  let cachedDay = '';
  let cachedKey = Buffer.alloc(0);

  function signingKey(day: string): Buffer {
    if (day !== cachedDay) {
      const kDate = hmac(`AWS4${config.secretAccessKey}`, day);
      cachedKey = hmac(hmac(hmac(kDate, config.region), 's3'), 'aws4_request');
      cachedDay = day;
    }
    return cachedKey;
  }

  // X-Amz-Date changes once a second: under load most URLs of a second share it.
  let cachedSecond = -1;
  let cachedAmzDate = '';
  function amzDateOf(now: Date): string {
    const second = Math.floor(now.getTime() / 1000);
    if (second !== cachedSecond) {
      cachedAmzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      cachedSecond = second;
    }
    return cachedAmzDate;
  }

  /**
   * The query string is encoded and sorted once and serves twice: signed without the signature, then
   * sent with it in its sorted place. With the cached date and the encoding's fast path, one PUT URL
   * took 7.0 µs instead of 14.5 µs (same machine, same run); it had been about 10% of the API's CPU
   * on upload starts under the bench's load.
   */
  function presign(
    options: { bucket: string; key: string; expiresInSeconds: number },
    extra: Record<string, string>,
    headers: Record<string, string>,
    now: Date,
  ): string {
    const amzDate = amzDateOf(now);
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${config.region}/s3/aws4_request`;
    const signed = { ...headers, host };
    const names = Object.keys(signed).sort();
    const pairs = queryPairs({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
      'X-Amz-Credential': `${config.accessKeyId}/${scope}`,
      'X-Amz-Date': amzDate,
      'X-Amz-Expires': String(options.expiresInSeconds),
      'X-Amz-SignedHeaders': names.join(';'),
      ...extra,
    });
    const path = `/${uriEncode(options.bucket)}/${encodeKey(options.key)}`;
    const canonical = [
      'PUT',
      path,
      pairs.join('&'),
      names.map((n) => `${n}:${signed[n as keyof typeof signed]}\n`).join(''),
      names.join(';'),
      'UNSIGNED-PAYLOAD',
    ].join('\n');
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const signature = createHmac('sha256', signingKey(day)).update(toSign).digest('hex');
    // The pairs are sorted by name; the signature goes before the first name that sorts after its own.
    const at = pairs.findIndex((pair) => pair.slice(0, pair.indexOf('=')) > 'X-Amz-Signature');
    pairs.splice(at === -1 ? pairs.length : at, 0, `X-Amz-Signature=${signature}`);
    return `${base}${path}?${pairs.join('&')}`;
  }

  return {
    presignPut(options, now = new Date()) {
      checkPresignInput(options.contentLength, options.expiresInSeconds);
      const headers = { 'content-length': String(options.contentLength), 'content-type': options.contentType };
      const url = presign(options, { 'x-id': 'PutObject' }, headers, now);
      // Browsers set content-length themselves and refuse to let scripts set it.
      return { url, headers: { 'content-type': options.contentType }, expiresAt: new Date(now.getTime() + options.expiresInSeconds * 1000) };
    },
    presignUploadPart(options, now = new Date()) {
      checkPresignInput(options.contentLength, options.expiresInSeconds);
      if (!Number.isInteger(options.partNumber) || options.partNumber < 1 || options.partNumber > 10_000) {
        throw new StorageRequestError(`partNumber must be an integer from 1 to 10000, got ${options.partNumber}`);
      }
      const extra = { partNumber: String(options.partNumber), uploadId: options.uploadId, 'x-id': 'UploadPart' };
      const url = presign(options, extra, { 'content-length': String(options.contentLength) }, now);
      return { url, headers: {}, expiresAt: new Date(now.getTime() + options.expiresInSeconds * 1000) };
    },
  };
}
