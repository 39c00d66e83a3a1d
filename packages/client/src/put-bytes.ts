import { abortError, DarkroomError } from './errors.js';
import { backoffDelay, isRetryableStatus, sleep, type RetryOptions } from './retry.js';
import type { Transport } from './transport.js';

/** A presigned request: where to PUT and with which headers. */
export interface SignedTarget {
  url: string;
  headers: Record<string, string>;
}

export interface PutBytesOptions {
  body: Blob | Uint8Array;
  /** The URL to use; `fresh` asks for a newly signed one (the last one expired or is about to). */
  target(fresh: boolean): Promise<SignedTarget>;
  transport: Transport;
  retry: Required<RetryOptions>;
  signal?: AbortSignal | undefined;
  onProgress?: ((loaded: number) => void) | undefined;
  /** Names the request in errors: "PUT", "part 3". */
  what: string;
  /** Tests' clock for backoff; Math.random by default. */
  random?: () => number;
}

/** The bucket's S3 error code from its XML body (`<Code>SlowDown</Code>`), if any. */
export function s3ErrorCode(body: string): string | undefined {
  return /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
}

/** A presigned URL past its expiry: S3 and B2 say so in the message, Ceph RGW with a bare 403. */
export function looksExpired(status: number, body: string): boolean {
  return (status === 403 || status === 401) && (/expired/i.test(body) || s3ErrorCode(body) === 'AccessDenied' || body === '');
}

/**
 * PUTs one body to the bucket until it lands: network errors, 408, 429 and 5xx (B2's 503 SlowDown)
 * are retried with backoff; an expired URL is signed again (once); any other refusal is
 * final. Returns the response's ETag (null when the bucket or CORS gives none).
 */
export async function putBytes(options: PutBytesOptions): Promise<string | null> {
  const { body, transport, retry, signal, onProgress, what } = options;
  let fresh = false;
  let refreshedAfterRefusal = false;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw abortError(signal);
    const target = await options.target(fresh);
    fresh = false;
    onProgress?.(0);
    let failure: DarkroomError;
    try {
      const res = await transport.put({ url: target.url, headers: target.headers, body, signal, onProgress });
      if (res.status >= 200 && res.status < 300) return res.etag;
      const reason = s3ErrorCode(res.body);
      if (looksExpired(res.status, res.body) && !refreshedAfterRefusal) {
        // Signed again at once, not counted as a retry: a slow queue of parts can outlive its URLs.
        refreshedAfterRefusal = fresh = true;
        attempt--;
        continue;
      }
      failure = new DarkroomError('upload_failed', `The bucket refused ${what} (HTTP ${res.status}${reason ? ` ${reason}` : ''}).`, {
        status: res.status,
        details: reason ? { reason } : undefined,
      });
      if (!isRetryableStatus(res.status)) throw failure;
    } catch (error) {
      if (!(error instanceof DarkroomError) || error.code !== 'network_error') throw error;
      failure = error;
    }
    onProgress?.(0);
    if (attempt >= retry.retries) throw failure;
    await sleep(backoffDelay(attempt + 1, retry, options.random), signal);
  }
}
