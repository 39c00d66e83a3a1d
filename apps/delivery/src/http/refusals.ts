import { DarkroomError, ERRORS, ErrorCode } from '@darkroom/core';
import { StorageUnavailableError } from '@darkroom/storage';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_CACHING, writeRefusalHeaders, type AnswerCaching } from './answer-headers.js';

/** The codes a delivery answers with; anything else is ours to log and a 500 to the client. */
const KNOWN = new Set<string>(['invalid_request', 'forbidden', 'expired', 'not_found', 'rate_limited', 'unavailable', 'busy']);

/** Our own refusals as they are; storage trouble, the router's refusals and anything else as ours to say. */
export function asRefusal(error: unknown): DarkroomError {
  if (error instanceof DarkroomError && KNOWN.has(error.code)) return error;
  if (error instanceof StorageUnavailableError) return ERRORS.deliveryStorageUnavailable();
  const fastify = error as FastifyError;
  // The router's own refusals (a malformed URL, an over-long segment): no such image.
  if (fastify?.statusCode && fastify.statusCode < 500) return ERRORS.noSuchImage();
  return ERRORS.internalError();
}

/**
 * The one place an error becomes a response: `{ error: { code, message } }`, the code's status and
 * the refusal's headers (answer-headers.ts). Messages are our own sentences: never a bucket, key,
 * host or query.
 */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, error: unknown, caching: AnswerCaching = PUBLIC_CACHING): FastifyReply {
  const refusal = asRefusal(error);
  if (refusal.code === 'internal_error') request.log.error({ err: error }, refusal.message);
  writeRefusalHeaders(reply, refusal, caching);
  return reply.status(ErrorCode[refusal.code]).send({ error: { code: refusal.code, message: refusal.message } });
}
