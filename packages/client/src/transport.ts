import { abortError, networkError } from './errors.js';

/** One PUT of bytes to a presigned bucket URL. */
export interface PutRequest {
  url: string;
  headers: Record<string, string>;
  body: Blob | Uint8Array;
  signal?: AbortSignal | undefined;
  /** Bytes of this body sent so far, as often as the transport can tell. */
  onProgress?: ((loaded: number) => void) | undefined;
}

export interface PutResponse {
  status: number;
  /** The `ETag` header (a part's, needed by `complete`); null when absent or not exposed by CORS. */
  etag: string | null;
  /** The start of the body: the bucket's XML error, when it refused. */
  body: string;
}

/**
 * How bytes reach the bucket. Resolves with any HTTP answer; rejects with a DarkroomError
 * (`network_error`, `aborted`) when there is none. Pluggable so that tests can fail parts on purpose
 * and an app can bring its own.
 */
export interface Transport {
  put(request: PutRequest): Promise<PutResponse>;
}

const ERROR_BODY_LIMIT = 2048;

/** Bytes handed to fetch per read of a counted body (progress steps). */
const PROGRESS_CHUNK = 256 * 1024;

/** Where fetch can send a stream with a Content-Length (Node's undici); browsers refuse one. */
const streamsWithLength = () => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** The body as a stream that reports how much of it fetch has taken: sent, give or take a socket buffer. */
function countedBody(body: Blob | Uint8Array, onProgress: (loaded: number) => void): ReadableStream<Uint8Array> {
  const size = body instanceof Uint8Array ? body.byteLength : body.size;
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= size) return controller.close();
      const end = Math.min(size, offset + PROGRESS_CHUNK);
      const chunk = body instanceof Uint8Array ? body.slice(offset, end) : new Uint8Array(await body.slice(offset, end).arrayBuffer());
      offset = end;
      controller.enqueue(chunk);
      onProgress(offset);
    },
  });
}

/**
 * fetch: Node, workers, and any runtime without XMLHttpRequest. In Node the body goes as a counted
 * stream with its Content-Length (presigned URLs bind it), so progress comes as it is sent; a
 * browser's fetch cannot do that, so there progress comes once, when the body has been sent.
 */
export function fetchTransport(fetchImpl: typeof fetch = globalThis.fetch): Transport {
  return {
    async put({ url, headers, body, signal, onProgress }) {
      const size = body instanceof Uint8Array ? body.byteLength : body.size;
      const counted = onProgress && streamsWithLength() && size > 0;
      const init = counted
        ? { body: countedBody(body, onProgress), duplex: 'half', headers: { ...headers, 'content-length': String(size) } }
        : { body: body as Blob, headers };
      let res: Response;
      try {
        res = await fetchImpl(url, { method: 'PUT', ...init, ...(signal ? { signal } : {}) } as RequestInit);
      } catch (error) {
        throw networkError(error, 'PUT to the bucket', signal);
      }
      const text = res.ok ? '' : (await res.text().catch(() => '')).slice(0, ERROR_BODY_LIMIT);
      if (res.ok) {
        await res.body?.cancel().catch(() => {});
        onProgress?.(size);
      }
      return { status: res.status, etag: res.headers.get('etag'), body: text };
    },
  };
}

/** The part of XMLHttpRequest used here, typed locally so the package needs no DOM typings. */
interface Xhr {
  open(method: string, url: string, async: boolean): void;
  setRequestHeader(name: string, value: string): void;
  getResponseHeader(name: string): string | null;
  send(body: unknown): void;
  abort(): void;
  responseType: string;
  readonly status: number;
  readonly responseText: string;
  upload: { onprogress: ((event: { loaded: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

const XhrConstructor = () => (globalThis as { XMLHttpRequest?: new () => Xhr }).XMLHttpRequest;

/** XMLHttpRequest: browsers, where only it reports upload progress. */
export function xhrTransport(): Transport {
  return {
    put({ url, headers, body, signal, onProgress }) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(abortError(signal));
        const Constructor = XhrConstructor();
        if (!Constructor) throw new Error('XMLHttpRequest is not available here: use fetchTransport()');
        const xhr = new Constructor();
        xhr.open('PUT', url, true);
        for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
        xhr.responseType = 'text';
        const onAbort = () => xhr.abort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => signal?.removeEventListener('abort', onAbort);
        xhr.upload.onprogress = (event) => onProgress?.(event.loaded);
        xhr.onload = () => {
          done();
          const ok = xhr.status >= 200 && xhr.status < 300;
          resolve({ status: xhr.status, etag: xhr.getResponseHeader('etag'), body: ok ? '' : String(xhr.responseText).slice(0, ERROR_BODY_LIMIT) });
        };
        xhr.onerror = () => {
          done();
          reject(networkError(new Error('the connection failed'), 'PUT to the bucket', signal));
        };
        xhr.onabort = () => {
          done();
          reject(abortError(signal));
        };
        xhr.send(body);
      });
    },
  };
}

/** XHR where there is one (browsers: upload progress), fetch elsewhere (Node). */
export function defaultTransport(): Transport {
  return typeof XhrConstructor() === 'function' ? xhrTransport() : fetchTransport();
}
