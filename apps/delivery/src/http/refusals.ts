import { DarkroomError, ERRORS, ErrorCode } from '@darkroom/core';
import { StorageUnavailableError } from '@darkroom/storage';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
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

/**
 * Node's own refusals, made before a request exists (a URL or headers past its limit, malformed
 * HTTP, a request not arrived in time), in the one error shape and `no-store`: no URL is known yet,
 * so none is cached, a private link's above all (Fastify's `clientErrorHandler`).
 */
export function writeClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Nothing can be answered on a connection the client already dropped.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const refusal = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? ERRORS.requestTimeout() : ERRORS.notHttp();
  const status = ErrorCode[refusal.code];
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'cache-control: no-store',
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
