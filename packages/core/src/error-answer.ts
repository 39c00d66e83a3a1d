import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERRORS } from './error-factories/index.js';
import type { DarkroomError, ErrorCode } from './errors.js';

/**
 * How a refusal is answered over HTTP, for the API and the delivery server alike: its code's status,
 * the one error body, and the headers the app's policy gives it. Which error becomes which refusal is
 * each app's (what it may say differs); the answer's shape is written here once.
 */

/** Keys of a refusal's `details` written for operators' logs only (what ffprobe said): never answered. */
const OPERATOR_DETAILS = new Set(['detail']);

export interface ErrorAnswerBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export interface ErrorAnswer {
  status: number;
  body: ErrorAnswerBody;
  headers: Record<string, string>;
}

export interface ErrorAnswerPolicy {
  /** Whether the body carries the refusal's plain facts (the API's answers) or only its code and message (delivery's). */
  details: boolean;
  /** The headers the app gives this refusal (delivery's Cache-Control and Retry-After); none when absent. */
  headersOf?: (refusal: DarkroomError) => Record<string, string>;
}

/** A refusal as it is answered: status, body and headers. */
export function errorAnswer(refusal: DarkroomError, policy: ErrorAnswerPolicy): ErrorAnswer {
  const facts = policy.details ? tenantFacts(refusal.details) : undefined;
  return {
    status: refusal.status,
    body: { error: { code: refusal.code, message: refusal.message, ...(facts ? { details: facts } : {}) } },
    headers: policy.headersOf?.(refusal) ?? {},
  };
}

function tenantFacts(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  const facts = Object.fromEntries(Object.entries(details).filter(([key]) => !OPERATOR_DETAILS.has(key)));
  return Object.keys(facts).length > 0 ? facts : undefined;
}

/**
 * Node's own refusals, made before any request exists (a body still arriving at REQUEST_TIMEOUT,
 * malformed HTTP, a URL or headers past its limits), written to the socket as the one error answer
 * (Fastify's `clientErrorHandler`); the connection is closed after it.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, policy: ErrorAnswerPolicy): void {
  // Nothing can be answered on a connection the client already dropped.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const refusal = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? ERRORS.requestTimeout() : ERRORS.notHttp();
  const answer = errorAnswer(refusal, policy);
  const body = JSON.stringify(answer.body);
  const head = [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    ...Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}`),
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
