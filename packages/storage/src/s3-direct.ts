import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import { ObjectRangeError, StorageError, StorageRequestError, translateS3Error, type StorageErrorContext } from './errors.js';
import type { Presigner } from './presigner.js';
import { copySource } from './s3-copy.js';
import { readAtMost } from './s3-reads.js';
import { createAgents, observedTry } from './tries.js';
import type {
  Abortable,
  CopyObjectOptions,
  CopyResult,
  ObjectHead,
  ObjectLocation,
  ObjectStart,
  OpenedObject,
  OpenObjectOptions,
  ReadStartOptions,
  StorageObserver,
} from './types.js';

export interface DirectOptions {
  /** Total tries, the first included; only transient failures (5xx, throttling, sockets) are tried again. */
  maxAttempts: number;
  connectionTimeoutMs: number;
  /** How long a socket may stay idle, before the answer or in the middle of a body. */
  socketTimeoutMs: number;
  /** As the SDK client's (S3ClientOptions.lookup): the same pinned addresses for these requests. */
  lookup?: LookupFunction | undefined;
  /** Told of each try, as the SDK client's middleware tells it of its own (s3-client.ts). */
  observer?: StorageObserver | undefined;
}

/** A signed URL lives this long: long enough for the one request, short enough to be worthless in a log. */
const URL_SECONDS = 60;
const META = 'x-amz-meta-';
const BACKOFF_MS = 100;
/** Of an error's body, only this much is read: enough for S3's `<Code>`. */
const ERROR_BODY_BYTES = 4096;
/** A header value SigV4 signs as it is sent: printable ASCII, no space at either end or two in a row. */
const SIGNABLE_VALUE = /^[!-~]+( [!-~]+)*$/;

/** What a HEAD's answer says of the object, as the SDK would read it (metadata names lower-case, without their prefix). */
function headOf(headers: IncomingHttpHeaders): ObjectHead {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(META) && typeof value === 'string') metadata[name.slice(META.length)] = value;
  }
  const modified = headers['last-modified'];
  const cacheControl = headers['cache-control'];
  return {
    cacheControl: typeof cacheControl === 'string' ? cacheControl : undefined,
    size: Number(headers['content-length'] ?? 0),
    contentType: headers['content-type'],
    etag: typeof headers.etag === 'string' ? headers.etag : undefined,
    lastModified: modified ? new Date(modified) : undefined,
    metadata,
  };
}

/** A GET's answer as `openObject` gives it: the part sent, and the whole object's size. */
function openedOf(res: IncomingMessage, body: Readable): OpenedObject {
  const { headers } = res;
  const head = headOf(headers);
  const length = Number(headers['content-length'] ?? 0);
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headers['content-range'] ?? '');
  return {
    ...head,
    status: res.statusCode === 304 ? 304 : range ? 206 : 200,
    size: range ? Number(range[3]) : length,
    length: res.statusCode === 304 ? 0 : length,
    range: range ? { start: Number(range[1]), end: Number(range[2]) } : undefined,
    cacheControl: head.cacheControl,
    body,
  };
}

/** The shape translateS3Error reads from the SDK's errors: the status, and S3's error code when the body named one. */
const statusError = (status: number, code?: string) =>
  Object.assign(new Error(`HTTP ${status}`), { $metadata: { httpStatusCode: status }, ...(code ? { Code: code } : {}) });

/** The start of a body (at most ERROR_BODY_BYTES), as text: an error's, or a copy's result. */
function bodyStartOf(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
      if (text.length >= ERROR_BODY_BYTES) res.destroy();
    });
    res.once('close', () => resolve(text));
  });
}

/** S3's error code in a body (`NoSuchBucket`, `SlowDown`…); a HEAD's answer has none. */
const errorCodeIn = (text: string) => /<Code>([^<]{1,64})<\/Code>/.exec(text)?.[1];

/**
 * A CopyObject's headers, as the SDK sends them: REPLACE writes the copy's type and metadata in the
 * same request. Null where a value could not be signed as it is sent (the SDK's copy takes it then).
 */
function copyHeaders(options: CopyObjectOptions): Record<string, string> | null {
  const headers: Record<string, string> = {
    'content-length': '0',
    'x-amz-copy-source': copySource(options.sourceBucket ?? options.bucket, options.sourceKey),
    'x-amz-metadata-directive': options.metadata ? 'REPLACE' : 'COPY',
  };
  if (options.sourceIfMatch) headers['x-amz-copy-source-if-match'] = options.sourceIfMatch;
  if (options.metadata) {
    headers['content-type'] = options.contentType;
    for (const [name, value] of Object.entries(options.metadata)) headers[`${META}${name.toLowerCase()}`] = value;
  }
  return Object.values(headers).every((value) => SIGNABLE_VALUE.test(value)) ? headers : null;
}

/**
 * Passes a body through, turning a mid-stream socket error into a StorageError too (a reset
 * halfway through a large original must read as "unavailable", not as a raw ECONNRESET).
 */
function withTranslatedStreamErrors(source: Readable, context: StorageErrorContext, signal?: AbortSignal): Readable {
  const output = new PassThrough();
  source.on('error', (err) => output.destroy(signal?.aborted ? signal.reason : translateS3Error(err, context)));
  // Cut off by the caller: the body fails with its reason, and the socket is closed with it.
  const onAbort = () => output.destroy(signal!.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  // A consumer that stops early must not leave the HTTP response (and its socket) hanging.
  output.on('close', () => {
    signal?.removeEventListener('abort', onAbort);
    if (!source.destroyed) source.destroy();
  });
  source.pipe(output);
  return output;
}

/**
 * A signed URL as a request's options, its path sent exactly as it was signed: given the URL itself,
 * Node's parser resolves "." and ".." segments, which S3 keys may hold (a tenant's bucket an import
 * reads), and the bucket then refuses the signature or names another object.
 */
function asSigned(url: string) {
  const parsed = new URL(url);
  const path = url.startsWith(parsed.origin) ? url.slice(parsed.origin.length) : `${parsed.pathname}${parsed.search}`;
  return { ...urlToHttpOptions(parsed), path };
}

/**
 * HeadObject and GetObject as one signed HTTP request each (a presigned URL, header-free) on a
 * keep-alive pool of their own: the SDK's middleware stack cost several times the CPU of the request
 * itself, which bounded how many objects `npm run recover` could look at a second and added to every
 * delivery render's wait (docs/design/delivery.md#requests-without-the-sdk). Transient failures before
 * the answer are tried again with backoff, as the SDK's standard retry does.
 */
export function createDirectRequests(
  endpoint: string,
  presigner: Pick<Presigner, 'presignHead' | 'presignGet' | 'presignCopy'>,
  options: DirectOptions,
) {
  const tls = new URL(endpoint).protocol === 'https:';
  const agents = createAgents(options.lookup);
  const agent = tls ? agents.httpsAgent : agents.httpAgent;
  const send = tls ? httpsRequest : httpRequest;

  /**
   * The answer of one request, once its headers are in: a 2xx's (or a 304's), its body unread;
   * anything else rejects. `headers` go unsigned beside the signed URL (Range, If-None-Match).
   */
  function once(method: 'HEAD' | 'GET' | 'PUT', url: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const req = send({ ...asSigned(url), method, agent, headers, timeout: options.socketTimeoutMs }, (res: IncomingMessage) => {
        signal?.removeEventListener('abort', onAbort);
        const status = res.statusCode ?? 0;
        if ((status >= 200 && status < 300) || status === 304) return resolve(res);
        if (method === 'HEAD') {
          res.resume();
          return reject(statusError(status));
        }
        void bodyStartOf(res).then((text) => reject(statusError(status, errorCodeIn(text))));
      });
      const connecting = setTimeout(
        () => req.destroy(Object.assign(new Error('connection timed out'), { code: 'ETIMEDOUT' })),
        options.connectionTimeoutMs,
      );
      req.once('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connecting);
        else socket.once('connect', () => clearTimeout(connecting));
      });
      // Cut off by the caller before the answer came: the socket goes with the request.
      const onAbort = () => req.destroy(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.once('close', () => {
        clearTimeout(connecting);
        signal?.removeEventListener('abort', onAbort);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('socket timed out'), { code: 'ESOCKETTIMEDOUT' })));
      req.on('error', reject);
      req.end();
    });
  }

  /** `sent`: the S3 operation each try is, and the object it writes or reads (a copy's: the copy), for the observer. */
  async function withRetries(
    operation: string,
    location: ObjectLocation & Abortable,
    sent: { operation: 'HeadObject' | 'GetObject' | 'CopyObject'; key: string },
    attempt: () => Promise<IncomingMessage>,
  ): Promise<IncomingMessage> {
    const { signal } = location;
    for (let tries = 1; ; tries++) {
      try {
        return await observedTry(() => options.observer?.request(sent.operation, location.bucket, sent.key), attempt);
      } catch (err) {
        // Cut off by the caller: its reason, as it gave it, and no other try.
        if (signal?.aborted) throw signal.reason;
        const error = translateS3Error(err, { operation, bucket: location.bucket, key: location.key });
        if (!error.retryable || tries >= options.maxAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * BACKOFF_MS * 2 ** tries));
      }
    }
  }

  async function headObject(location: ObjectLocation & Abortable): Promise<ObjectHead> {
    const { bucket, key, signal } = location;
    const res = await withRetries('headObject', location, { operation: 'HeadObject', key }, () =>
      once('HEAD', presigner.presignHead({ bucket, key, expiresInSeconds: URL_SECONDS }), {}, signal),
    );
    res.resume();
    return headOf(res.headers);
  }

  async function openObject(request: OpenObjectOptions): Promise<OpenedObject> {
    const { bucket, key, signal } = request;
    const headers: Record<string, string> = {};
    if (request.range) headers.range = request.range;
    if (request.ifNoneMatch) headers['if-none-match'] = request.ifNoneMatch;
    let res: IncomingMessage;
    try {
      res = await withRetries('openObject', { bucket, key, signal }, { operation: 'GetObject', key }, () =>
        once('GET', presigner.presignGet({ bucket, key, expiresInSeconds: URL_SECONDS }).url, headers, signal),
      );
    } catch (error) {
      // The bucket's 416 does not always say the size; the answer's Content-Range must.
      if (!(error instanceof StorageError && error.httpStatus === 416)) throw error;
      const { size } = await headObject({ bucket, key, signal });
      throw new ObjectRangeError(`range ${request.range} starts past the end of ${bucket}/${key}`, size);
    }
    return openedOf(res, withTranslatedStreamErrors(res, { operation: 'openObject', bucket, key }, signal));
  }

  return {
    headObject,
    openObject,
    /** One ranged GET. An empty object has no byte 0 to range over: a HEAD tells the rest. */
    async readStart(request: ReadStartOptions): Promise<ObjectStart> {
      const { bucket, key, length, signal } = request;
      if (!Number.isSafeInteger(length) || length < 1) throw new StorageRequestError(`readStart ${bucket}/${key}: invalid length ${length}`);
      let opened: OpenedObject;
      try {
        opened = await openObject({ bucket, key, range: `bytes=0-${length - 1}`, signal });
      } catch (error) {
        if (error instanceof ObjectRangeError) return { ...(await headObject({ bucket, key, signal })), bytes: Buffer.alloc(0) };
        throw error;
      }
      const { body, size, contentType, etag, lastModified, metadata } = opened;
      const bytes = await readAtMost(body, length);
      return { size, contentType, etag, lastModified, metadata, bytes };
    },
    /**
     * One CopyObject request (a copy in parts is the SDK's: s3-copy.ts), null where its headers
     * cannot be signed as sent. S3 may answer a copy 200 and still fail it, in the body.
     */
    async copyObject(request: CopyObjectOptions): Promise<CopyResult | null> {
      const headers = copyHeaders(request);
      if (!headers) return null;
      const source = { bucket: request.sourceBucket ?? request.bucket, key: request.sourceKey };
      const { bucket, key } = request;
      const res = await withRetries('copyObject', source, { operation: 'CopyObject', key }, async () => {
        const signed = presigner.presignCopy({ bucket, key, headers, expiresInSeconds: URL_SECONDS });
        const answer = await once('PUT', signed.url, signed.headers);
        const text = await bodyStartOf(answer);
        if (/<Error>/.test(text)) throw statusError(500, errorCodeIn(text) ?? 'InternalError');
        return answer;
      });
      const version = res.headers['x-amz-copy-source-version-id'];
      return { sourceVersionId: typeof version === 'string' ? version : undefined };
    },
    async getStream(location: ObjectLocation & Abortable): Promise<Readable> {
      const { bucket, key, signal } = location;
      const res = await withRetries('getStream', location, { operation: 'GetObject', key }, () =>
        once('GET', presigner.presignGet({ bucket, key, expiresInSeconds: URL_SECONDS }).url, {}, signal),
      );
      return withTranslatedStreamErrors(res, { operation: 'getStream', bucket, key }, signal);
    },
  };
}
