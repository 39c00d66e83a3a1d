import { createHash } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from './config.js';
import { createAgents, observedTry } from './tries.js';
import type { StorageObserver } from './types.js';

export interface S3ClientOptions {
  /** Total tries per request, first one included (SDK standard retry: backoff with jitter on 5xx, throttling and socket errors). */
  maxAttempts?: number;
  /** How long to wait for a TCP connection before failing (and retrying). */
  connectionTimeoutMs?: number;
  /** How long a socket may stay idle mid-request before the request fails. */
  socketTimeoutMs?: number;
  /**
   * Where a host name's connections go, in place of the system's DNS: for a server a tenant named,
   * whose addresses were checked once and every connection is pinned to (no second lookup).
   */
  lookup?: LookupFunction | undefined;
  /** Told of every request attempt, presigned URL, object written and deleted (the usage meters); none: nothing is told. */
  observer?: StorageObserver | undefined;
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

/** What a command names: its key, else its prefix, else a multi-delete's first key ('' for the bucket's own requests). */
interface CommandInput {
  Bucket?: string;
  Key?: string;
  Prefix?: string;
  Delete?: { Objects?: { Key?: string }[] };
}

/**
 * Tells the observer of each try: it sits right after the retry middleware (finalizeRequest step),
 * so a retried request is counted each time it reached the server, as the bucket bills it
 * (s3-observed.test.ts proves it with a server that answers 503 once).
 */
function observeTries(client: S3Client, observer: StorageObserver): void {
  type Handler<T> = (args: T) => Promise<unknown>;
  const observe =
    <T extends { input: object }>(next: Handler<T>, context: { commandName?: string }) =>
    async (args: T) => {
      const input = args.input as CommandInput;
      const key = input.Key ?? input.Prefix ?? input.Delete?.Objects?.[0]?.Key ?? '';
      return observedTry(
        () => observer.request(context.commandName ?? 'unknown', input.Bucket ?? '', key),
        () => next(args),
      );
    };
  client.middlewareStack.addRelativeTo(observe as never, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'darkroomObserveTries' });
}

/** The options with their defaults filled in: what the SDK client and the direct HEAD and GET (s3-direct.ts) all honour. */
export function clientSettings(options: S3ClientOptions) {
  return {
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    connectionTimeoutMs: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    socketTimeoutMs: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
    lookup: options.lookup,
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
    // The SDK's NodeHttpHandler, built from these options, on agents that watch each try on the wire.
    requestHandler: {
      connectionTimeout: settings.connectionTimeoutMs,
      requestTimeout: settings.socketTimeoutMs,
      ...createAgents(settings.lookup),
    },
  });
  useContentMd5ForRequiredChecksums(client);
  if (options.observer) observeTries(client, options.observer);
  return client;
}
