import { DarkroomError, ERRORS, ErrorCode } from '@darkroom/core';
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

/** Storage trouble passes; how long a client waits before asking again. */
const STORAGE_RETRY_AFTER_SECONDS = 5;

/** Our own refusals as they are; storage trouble, the router's refusals and anything else as ours to say. */
function asRefusal(error: unknown): DarkroomError {
  if (error instanceof DarkroomError && KNOWN.has(error.code)) return error;
  if (error instanceof StorageUnavailableError) return ERRORS.deliveryStorageUnavailable(STORAGE_RETRY_AFTER_SECONDS);
  const fastify = error as FastifyError;
  // The router's own refusals (a malformed URL, an over-long segment): no such image.
  if (fastify?.statusCode && fastify.statusCode < 500) return ERRORS.noSuchImage();
  return ERRORS.internalError();
}

function toRefusal(error: unknown): Refusal {
  const refusal = asRefusal(error);
  const retryAfter = refusal.details?.retryAfterSeconds;
  return {
    code: refusal.code as DeliveryCode,
    message: refusal.message,
    ...(typeof retryAfter === 'number' ? { retryAfterSeconds: retryAfter } : {}),
  };
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
