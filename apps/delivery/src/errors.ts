import { DarkroomError, ErrorCode } from '@darkroom/core';
import { StorageUnavailableError } from '@darkroom/storage';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** The codes a delivery answers with; anything else is ours to log and a 500 to the client. */
type DeliveryCode = 'invalid_request' | 'forbidden' | 'not_found' | 'rate_limited' | 'unavailable' | 'internal_error';

/** Refusals a CDN may keep a minute (the same URL gets the same answer); the rest it must not keep. */
const CACHEABLE = new Set<DeliveryCode>(['invalid_request', 'not_found']);
const KNOWN = new Set<string>(['invalid_request', 'forbidden', 'not_found', 'rate_limited', 'unavailable']);

interface Refusal {
  code: DeliveryCode;
  message: string;
  retryAfterSeconds?: number;
}

function toRefusal(error: unknown): Refusal {
  if (error instanceof DarkroomError && KNOWN.has(error.code)) {
    const retryAfter = error.details?.retryAfterSeconds;
    return { code: error.code as DeliveryCode, message: error.message, ...(typeof retryAfter === 'number' ? { retryAfterSeconds: retryAfter } : {}) };
  }
  if (error instanceof StorageUnavailableError) {
    return { code: 'unavailable', message: 'Storage is not answering; try again shortly.', retryAfterSeconds: 5 };
  }
  const fastify = error as FastifyError;
  // The router's own refusals (a malformed URL, an over-long segment): no such image.
  if (fastify?.statusCode && fastify.statusCode < 500) return { code: 'not_found', message: 'No such image.' };
  return { code: 'internal_error', message: 'Something went wrong on our side; it has been logged.' };
}

/**
 * The one place an error becomes a response: `{ error: { code, message } }`, the code's status,
 * `Cache-Control` as the contract says, and `Retry-After` on 429 and 503. Messages are our own
 * sentences: never a bucket, key, host or query.
 */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const refusal = toRefusal(error);
  const status = ErrorCode[refusal.code];
  if (status >= 500 && refusal.code === 'internal_error') request.log.error({ err: error }, refusal.message);
  reply.header('cache-control', CACHEABLE.has(refusal.code) ? 'public, max-age=60' : 'no-store');
  if (refusal.retryAfterSeconds !== undefined) reply.header('retry-after', String(refusal.retryAfterSeconds));
  return reply.status(status).send({ error: { code: refusal.code, message: refusal.message } });
}
