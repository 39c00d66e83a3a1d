import { abortError, DarkroomError } from './errors.js';
import { putBytes } from './put-bytes.js';
import type { RetryOptions } from './retry.js';
import type { ByteSource } from './source.js';
import type { Transport } from './transport.js';

export interface PartUrls {
  /** Presigned URL by part number, for the parts still to send. */
  urls: Map<number, string>;
  /** When those URLs stop working (ms since the epoch). */
  expiresAt: number;
}

/** A part still to send, as the API laid it out: its bytes are `size` from `(partNumber - 1) × partSize`. */
export interface PartToSend {
  partNumber: number;
  size: number;
}

export interface SendPartsOptions extends PartUrls {
  source: ByteSource;
  partSize: number;
  /** The parts to send, as the start of the upload or `GET /v1/uploads/:id/parts` listed them. */
  parts: PartToSend[];
  /** Parts the bucket already holds (a resumed upload): part number → ETag. */
  uploaded: Map<number, string>;
  /** Fresh URLs for the missing parts (`GET /v1/uploads/:id/parts`). */
  refresh(): Promise<PartUrls>;
  transport: Transport;
  concurrency: number;
  retry: Required<RetryOptions>;
  signal?: AbortSignal | undefined;
  /** Bytes sent in all, parts already uploaded included. */
  onProgress?: ((loaded: number) => void) | undefined;
  random?: () => number;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/** URLs this close to their expiry are signed again before a request starts: a 16 MiB part takes a while. */
export const EXPIRY_MARGIN_MS = 60_000;

/**
 * Sends the missing parts of a multipart upload, `concurrency` at a time, each retried on its own
 * (see putBytes); progress is the sum over parts. The first part that fails for good stops the
 * others (their PUTs are aborted) and its error is thrown. Returns every part, in order, for `complete`.
 */
export async function sendParts(options: SendPartsOptions): Promise<CompletedPart[]> {
  const { source, partSize, parts, uploaded, transport, retry, onProgress } = options;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let urls: PartUrls = { urls: options.urls, expiresAt: options.expiresAt };
  let refreshing: Promise<PartUrls> | null = null;

  const loaded = new Map<number, number>();
  const already = source.size - parts.reduce((sum, part) => sum + part.size, 0);
  const report = () => onProgress?.(already + [...loaded.values()].reduce((a, b) => a + b, 0));

  /** One refresh at a time, shared by every part that needs it. */
  function refreshUrls(): Promise<PartUrls> {
    refreshing ??= options.refresh().then(
      (next) => {
        urls = next;
        refreshing = null;
        return next;
      },
      (error: unknown) => {
        refreshing = null;
        return Promise.reject(error);
      },
    );
    return refreshing;
  }

  async function urlFor(partNumber: number, fresh: boolean): Promise<string> {
    if (fresh || urls.expiresAt - Date.now() < EXPIRY_MARGIN_MS || !urls.urls.has(partNumber)) await refreshUrls();
    const url = urls.urls.get(partNumber);
    if (!url) throw new DarkroomError('invalid_response', `Darkroom gave no URL for part ${partNumber}.`);
    return url;
  }

  const missing = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  const done: CompletedPart[] = [...uploaded].map(([partNumber, etag]) => ({ partNumber, etag }));

  async function sendOne({ partNumber, size }: PartToSend): Promise<void> {
    const start = (partNumber - 1) * partSize;
    const body = await source.read(start, start + size);
    const etag = await putBytes({
      body,
      target: async (fresh) => ({ url: await urlFor(partNumber, fresh), headers: {} }),
      transport,
      retry,
      signal,
      what: `part ${partNumber}`,
      onProgress: (bytes) => {
        loaded.set(partNumber, bytes);
        report();
      },
      ...(options.random ? { random: options.random } : {}),
    });
    if (!etag) {
      throw new DarkroomError('invalid_response', `The bucket gave no ETag for part ${partNumber}: its CORS rules must expose the ETag header.`);
    }
    done.push({ partNumber, etag });
  }

  let next = 0;
  async function worker(): Promise<void> {
    while (next < missing.length) {
      if (signal.aborted) return;
      await sendOne(missing[next++]!);
    }
  }

  report();
  try {
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, missing.length) }, () =>
        worker().catch((error) => {
          stop.abort();
          throw error;
        }),
      ),
    );
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal);
    throw error;
  }
  if (options.signal?.aborted) throw abortError(options.signal);
  return done.sort((a, b) => a.partNumber - b.partNumber);
}
