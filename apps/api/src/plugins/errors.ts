import { DarkroomError, ErrorCode } from '@darkroom/core';
import { InvalidCursorError } from '@darkroom/db';
import { StorageAccessDeniedError, StorageUnavailableError } from '@darkroom/storage';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown> | undefined;
}

type ValidationIssue = { keyword: string; instancePath: string; message?: string | undefined; params: Record<string, unknown> };

/** One sentence for the first problem, naming the field, e.g. `Unknown field "foo" in body.` */
export function describeValidation(issues: ValidationIssue[], where: string): ErrorPayload {
  const first = issues[0];
  const field = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') ?? '';
  if (first?.keyword === 'unrecognized_keys') {
    const keys = (first.params.keys as string[] | undefined) ?? [];
    const names = keys.map((k) => `"${field ? `${field}.` : ''}${k}"`).join(', ');
    return { code: 'invalid_request', message: `Unknown field ${names} in ${where}.`, details: { fields: keys, in: where } };
  }
  const name = field ? `"${field}"` : where;
  return {
    code: 'invalid_request',
    message: `Invalid ${name} in ${where}: ${first?.message ?? 'does not match the schema'}.`,
    details: { field: field || null, in: where },
  };
}

// Fastify's own client errors (bad JSON, wrong content type, body too large) become invalid_request.
function fromFastifyError(error: FastifyError): ErrorPayload | null {
  const status = error.statusCode ?? 500;
  if (status >= 500) return null;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { code: 'invalid_request', message: 'The request body is too large (at most 64 KiB).' };
  // Raised by the router before any route runs (the `frameworkErrors` option sends them here).
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return { code: 'not_found', message: 'No such resource: that id is too long to be one.' };
  if (error.code === 'FST_ERR_BAD_URL') return { code: 'invalid_request', message: 'The URL is malformed (bad percent-encoding).' };
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { code: 'invalid_request', message: 'Send the body as JSON (content-type: application/json).' };
  }
  return { code: 'invalid_request', message: error.message };
}

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof DarkroomError) return { code: error.code, message: error.message, details: error.details };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'request';
    return describeValidation(error.validation as ValidationIssue[], where);
  }
  if (error instanceof InvalidCursorError) return { code: 'invalid_request', message: error.message };
  if (error instanceof StorageUnavailableError) {
    return { code: 'storage_unavailable', message: 'The storage bucket is not answering; try again shortly.' };
  }
  if (error instanceof StorageAccessDeniedError) {
    return { code: 'internal_error', message: 'The storage bucket refused Darkroom’s credentials; an operator must fix the configuration.' };
  }
  const fastify = error as FastifyError;
  return (
    (fastify?.statusCode ? fromFastifyError(fastify) : null) ?? {
      code: 'internal_error',
      message: 'Something went wrong on our side; it has been logged.',
    }
  );
}

/**
 * The one place an error becomes a response: `{ error: { code, message, details? } }` with the
 * code's status. Server errors are logged in full; the body never carries their internals.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const payload = toErrorPayload(error);
  const status = ErrorCode[payload.code];
  if (status >= 500) request.log.error({ err: error }, payload.message);
  return reply.status(status).send(errorBody(payload));
}

/** The one error shape: `{ error: { code, message, details? } }`. */
function errorBody(payload: ErrorPayload) {
  return { error: { code: payload.code, message: payload.message, ...(payload.details ? { details: payload.details } : {}) } };
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => sendError(request, reply, error));

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` } }),
  );
}

export default fp(errorsPlugin, { name: 'darkroom-errors' });

/**
 * Node's own refusals, made before any request exists (a body still arriving at REQUEST_TIMEOUT,
 * malformed HTTP), written to the socket in the one error shape (Fastify's `clientErrorHandler`).
 */
export function writeClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Nothing can be answered on a connection the client already dropped.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const payload: ErrorPayload =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? { code: 'request_timeout', message: 'The request did not arrive in time (REQUEST_TIMEOUT); send it again, all at once.' }
      : { code: 'invalid_request', message: 'The request is not valid HTTP.' };
  const status = ErrorCode[payload.code];
  const body = JSON.stringify(errorBody(payload));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
