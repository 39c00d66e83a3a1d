import { answerClientError, errorAnswer, type ErrorAnswerPolicy } from '@darkroom/core/error-answer';
import { DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
import { StorageUnavailableError } from '@darkroom/storage';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PRIVATE_REFUSAL_CACHING, PUBLIC_CACHING, refusalHeaders, type AnswerCaching } from './answer-headers.js';

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

/** Delivery's answers carry a refusal's code and message alone, with the headers answer-headers.ts gives it. */
const answersWith = (caching: AnswerCaching): ErrorAnswerPolicy => ({ details: false, headersOf: (refusal) => refusalHeaders(refusal, caching) });

/**
 * Where an error becomes a response (core's `errorAnswer`): `{ error: { code, message } }`, the
 * code's status and the refusal's headers. Messages are our own sentences: never a bucket, key,
 * host or query.
 */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, error: unknown, caching: AnswerCaching = PUBLIC_CACHING): FastifyReply {
  const refusal = asRefusal(error);
  if (refusal.code === 'internal_error') request.log.error({ err: error }, refusal.message);
  const answer = errorAnswer(refusal, answersWith(caching));
  return reply.status(answer.status).headers(answer.headers).send(answer.body);
}

/**
 * Node's own refusals, made before a request exists (a URL or headers past its limit, malformed
 * HTTP, a request not arrived in time): no URL is known yet, so none is cached, a private link's
 * above all (Fastify's `clientErrorHandler`).
 */
export function writeClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  answerClientError(error, socket, answersWith(PRIVATE_REFUSAL_CACHING));
}
