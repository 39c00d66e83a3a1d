import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, webhookUrlProblem, type Resolver } from '@darkroom/core/webhook-guard';
import { WEBHOOK_RESPONSE_BYTES } from '@darkroom/core/webhooks';

export interface PostParams {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: http:// and any address (development and tests only). */
  allowPrivate: boolean;
  /** How host names resolve (tests stub it); the system resolver otherwise. */
  resolve?: Resolver;
}

export interface PostResult {
  /** The receiver's HTTP status; null when none came (refused, unreachable, timed out). */
  status: number | null;
  /** At most WEBHOOK_RESPONSE_BYTES of what it answered. */
  body: string | null;
  /** Why the attempt failed before a status came; null when one did. */
  error: string | null;
  durationMs: number;
}

/** A sentence for the delivery log: about the receiver's host only, never Darkroom's internals. */
export function describeSendError(error: NodeJS.ErrnoException, timeoutMs: number): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return `no response within ${timeoutMs / 1000} s`;
  switch (error.code) {
    case 'EWEBHOOKADDRESS':
      return error.message;
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset by the receiver';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host does not resolve';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host is unreachable';
    default:
      return error.code && /CERT|SSL|TLS/.test(error.code) ? `TLS failed (${error.code})` : `the request failed (${error.code ?? error.name})`;
  }
}

/**
 * Reads at most `limit` bytes of a response, then lets the rest go. A NUL becomes U+FFFD: Postgres
 * text cannot hold one, and an attempt whose body cannot be recorded would never be finished.
 */
function readCapped(response: IncomingMessage, limit: number, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const finish = () => done(Buffer.concat(chunks).subarray(0, limit).toString('utf8').replaceAll('\0', '\uFFFD'));
  response.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) {
      response.destroy();
      finish();
    }
  });
  response.on('end', finish);
  response.on('error', finish); // a status already came; what was read of the body is enough
  response.on('close', finish);
}

/**
 * One POST to a webhook URL. Redirects are not followed (a 3xx is the answer), the whole attempt
 * has `timeoutMs`, and unless `allowPrivate` every connection goes through the SSRF guard's lookup,
 * so the address connected to is the one checked. Never throws: failures come back in the result.
 */
export function postWebhook(params: PostParams): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // Literal IP hosts skip the lookup, so the URL's face is checked here too, at send time.
  const problem = webhookUrlProblem(params.url, { allowPrivate: params.allowPrivate });
  if (problem) return Promise.resolve({ status: null, body: null, error: `refused: ${problem}`, durationMs: 0 });
  const url = new URL(params.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, durationMs: elapsed() });
    };
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...params.headers, 'content-length': String(Buffer.byteLength(params.body)) },
        signal: AbortSignal.timeout(params.timeoutMs),
        // A fresh connection per attempt: nothing checked for one receiver is reused for another.
        agent: false,
        ...(params.allowPrivate ? {} : { lookup: guardedLookup(params.resolve) }),
      },
      (response) => readCapped(response, WEBHOOK_RESPONSE_BYTES, (body) => settle({ status: response.statusCode ?? null, body, error: null })),
    );
    request.on('error', (error: NodeJS.ErrnoException) => settle({ status: null, body: null, error: describeSendError(error, params.timeoutMs) }));
    // A 101 reaches neither the response callback nor 'error': unheard, the attempt would wait forever, holding its slot.
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      settle({ status: response.statusCode ?? null, body: null, error: null });
    });
    request.end(params.body);
  });
}
