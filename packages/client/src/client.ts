import createFetchClient, { type Client } from 'openapi-fetch';
import { DarkroomError, errorFromResponse, networkError } from './errors.js';
import type { paths } from './generated/api.js';
import { defaultResumeStore, fingerprintOf, type ResumeStore } from './resume-store.js';
import { backoffDelay, DEFAULT_RETRY, isRetryableStatus, sleep, type RetryOptions } from './retry.js';
import { defaultTransport, type Transport } from './transport.js';

export interface DarkroomClientOptions {
  /** Where the API is, e.g. `https://media.example.com` (no trailing `/v1`). */
  baseUrl: string;
  /**
   * The bearer token: a tenant API key (`dk_…`) or admin token on a backend, an upload token (`dut_…`)
   * in a browser. A function is asked before every request (a token that is renewed).
   */
  token: string | (() => string | Promise<string>);
  /** fetch for API calls and live status (default: globalThis.fetch). */
  fetch?: typeof fetch;
  /** How bytes reach the bucket (default: XMLHttpRequest in browsers, for progress; fetch elsewhere). */
  transport?: Transport;
  /** Parts of one multipart upload sent at once (default 4). */
  concurrency?: number;
  /** Retries of a failed part or API call, with backoff. */
  retry?: RetryOptions;
  /**
   * Where unfinished uploads are kept for `findPreviousUploads()` (default: localStorage in a browser,
   * memory elsewhere; `fileResumeStore(path)` from `@darkroom/client/node` for a file); false keeps none.
   */
  resumeStore?: ResumeStore | false;
}

/** What every part of the client shares: settings and the typed API. */
export interface ClientContext {
  api: Client<paths>;
  fetch: typeof fetch;
  baseUrl: string;
  authorization(): Promise<string>;
  transport: Transport;
  concurrency: number;
  retry: Required<RetryOptions>;
  resumeStore: ResumeStore | null;
  /** The fingerprint of this API and credential, which owns the resume store's records of its uploads. */
  owner(): Promise<string>;
}

/** Each client's context, for the package's other entry points (the Uppy adapter); not exported from the package. */
export const contexts = new WeakMap<object, ClientContext>();

type ApiResult<T> = { data?: T; error?: unknown; response: Response };

export function createContext(options: DarkroomClientOptions): ClientContext {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { token } = options;
  const authorization = async () => `Bearer ${typeof token === 'function' ? await token() : token}`;
  const api = createFetchClient<paths>({ baseUrl, fetch: (request) => fetchImpl(request) });
  api.use({
    async onRequest({ request }) {
      request.headers.set('authorization', await authorization());
      return request;
    },
  });
  return {
    api,
    fetch: fetchImpl,
    baseUrl,
    authorization,
    transport: options.transport ?? defaultTransport(),
    concurrency: Math.max(1, Math.floor(options.concurrency ?? 4)),
    retry: { ...DEFAULT_RETRY, ...options.retry },
    resumeStore: options.resumeStore === false ? null : (options.resumeStore ?? defaultResumeStore()),
    owner: async () => fingerprintOf(baseUrl, await authorization()),
  };
}

export interface CallOptions {
  /** Safe to send again (GETs, `complete`, `abort`): retried on no answer, 429 and 5xx. */
  idempotent?: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Runs one openapi-fetch call and returns its data, or throws a DarkroomError with the contract's
 * code. Idempotent calls are retried like parts; `Retry-After` is honoured when it is given.
 */
export async function call<T>(ctx: ClientContext, what: string, run: () => Promise<ApiResult<T>>, options: CallOptions = {}): Promise<T> {
  const retries = options.idempotent ? ctx.retry.retries : 0;
  for (let attempt = 0; ; attempt++) {
    let failure: DarkroomError;
    let wait = backoffDelay(attempt + 1, ctx.retry);
    try {
      const { data, error, response } = await run();
      if (response.ok) return data as T;
      failure = errorFromResponse(response.status, error, what);
      if (!isRetryableStatus(response.status)) throw failure;
      const retryAfter = Number(response.headers.get('retry-after'));
      if (retryAfter > 0) wait = Math.min(retryAfter * 1000, ctx.retry.maxDelayMs);
    } catch (error) {
      if (error instanceof DarkroomError && error.code !== 'network_error') throw error;
      failure = networkError(error, what, options.signal);
      if (failure.code !== 'network_error') throw failure;
    }
    if (attempt >= retries) throw failure;
    await sleep(wait, options.signal);
  }
}
