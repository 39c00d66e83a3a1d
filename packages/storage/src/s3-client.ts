import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from './config.js';

export interface S3ClientOptions {
  /** Total tries per request, first one included (SDK standard retry: backoff with jitter on 5xx, throttling and socket errors). */
  maxAttempts?: number;
  /** How long to wait for a TCP connection before failing (and retrying). */
  connectionTimeoutMs?: number;
  /** How long a socket may stay idle mid-request before the request fails. */
  socketTimeoutMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
const DEFAULT_SOCKET_TIMEOUT_MS = 60_000;

interface BuildArgs {
  request: { headers: Record<string, string>; body?: unknown };
}

/**
 * Some operations (DeleteObjects, PutBucketCors, PutBucketPolicy, PutBucketAcl) must carry a body
 * checksum, and the SDK sends CRC32 even under WHEN_REQUIRED. Backblaze B2 rejects the
 * `x-amz-checksum-crc32` header, while every S3 server accepts Content-MD5, so swap one for the other.
 */
function useContentMd5ForRequiredChecksums(client: S3Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const { request } = args as BuildArgs;
      const headers = request?.headers;
      const checksumHeaders = headers ? Object.keys(headers).filter((h) => /^x-amz-(sdk-)?checksum-/i.test(h)) : [];
      const body = request?.body;
      if (checksumHeaders.length && (typeof body === 'string' || body instanceof Uint8Array)) {
        for (const header of checksumHeaders) delete headers[header];
        headers['content-md5'] = createHash('md5').update(body).digest('base64');
      }
      return next(args);
    },
    // Low priority in the build step runs after the SDK's flexible-checksums middleware has added its headers.
    { step: 'build', priority: 'low', name: 'darkroomContentMd5Checksum' },
  );
}

/** The options with their defaults filled in: what the SDK client and the direct HEAD and GET (s3-direct.ts) all honour. */
export function clientSettings(options: S3ClientOptions) {
  return {
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    connectionTimeoutMs: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    socketTimeoutMs: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
  };
}

export function createS3Client(config: StorageConfig, options: S3ClientOptions = {}): S3Client {
  const settings = clientSettings(options);
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // Bucket names in the path: works with any S3 server, no wildcard DNS or TLS certificate needed.
    forcePathStyle: true,
    // B2 refuses CRC32 headers, and presigned PUTs would otherwise bake in the checksum of an empty body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    retryMode: 'standard',
    maxAttempts: settings.maxAttempts,
    requestHandler: { connectionTimeout: settings.connectionTimeoutMs, requestTimeout: settings.socketTimeoutMs },
  });
  useContentMd5ForRequiredChecksums(client);
  return client;
}
