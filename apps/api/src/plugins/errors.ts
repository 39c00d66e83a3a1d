import { BODY_LIMIT_BYTES, DarkroomError, ERRORS } from '@darkroom/core';
import { InvalidCursorError } from '@darkroom/db';
import { StorageAccessDeniedError, StorageUnavailableError } from '@darkroom/storage';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

type ValidationIssue = { keyword: string; instancePath: string; message?: string | undefined; params: Record<string, unknown> };

/** One sentence for the first problem, naming the field, e.g. `Unknown field "foo" in body.` */
export function describeValidation(issues: ValidationIssue[], where: string): DarkroomError {
  const first = issues[0];
  const field = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') ?? '';
  if (first?.keyword === 'unrecognized_keys') {
    const keys = (first.params.keys as string[] | undefined) ?? [];
    const names = keys.map((k) => `"${field ? `${field}.` : ''}${k}"`).join(', ');
    return ERRORS.unknownFields(names, keys, where);
  }
  return ERRORS.invalidField(field, where, first?.message ?? 'does not match the schema');
}

// Fastify's own client errors (bad JSON, wrong content type, body too large) become invalid_request.
function fromFastifyError(error: FastifyError, bodyLimit: number): DarkroomError | null {
  const status = error.statusCode ?? 500;
  if (status >= 500) return null;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return ERRORS.bodyTooLarge(bodyLimit / 1024);
  // Raised by the router before any route runs (the `frameworkErrors` option sends them here).
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return ERRORS.idTooLong();
  if (error.code === 'FST_ERR_BAD_URL') return ERRORS.malformedUrl();
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return ERRORS.bodyNotJson();
  return ERRORS.invalidRequest(error.message);
}

/**
 * Any error as the one the client is told of: ours as it is, anything else as a sentence of ours.
 * `bodyLimit`: the route's (a body over it names it).
 */
export function asDarkroomError(error: unknown, bodyLimit = BODY_LIMIT_BYTES): DarkroomError {
  if (error instanceof DarkroomError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'request';
    return describeValidation(error.validation as ValidationIssue[], where);
  }
  if (error instanceof InvalidCursorError) return ERRORS.invalidRequest(error.message);
  if (error instanceof StorageUnavailableError) return ERRORS.storageUnavailable();
  if (error instanceof StorageAccessDeniedError) return ERRORS.storageAccessDenied();
  const fastify = error as FastifyError;
  return (fastify?.statusCode ? fromFastifyError(fastify, bodyLimit) : null) ?? ERRORS.internalError();
}

/**
 * The one place an error becomes a response: `{ error: { code, message, details? } }` with the
 * code's status. Server errors are logged in full; the body never carries their internals.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const refusal = asDarkroomError(error, request.routeOptions?.bodyLimit);
  if (refusal.status >= 500) request.log.error({ err: error }, refusal.message);
  return reply.status(refusal.status).send(errorBody(refusal));
}

/** The one error shape: `{ error: { code, message, details? } }`. */
export function errorBody(refusal: DarkroomError) {
  return { error: { code: refusal.code, message: refusal.message, ...(refusal.details ? { details: refusal.details } : {}) } };
}

/** The admin API's routes, all behind `requireAdmin`. */
const ADMIN_API_PREFIX = '/v1/admin';

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => sendError(request, reply, error));

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]!;
    // Under the admin prefix the caller is checked first, as on the routes there: only an admin
    // learns which admin routes exist (an upload token or tenant key gets 403, no token 401).
    // `requireAdmin` is the auth plugin's, registered after this one and present by the first request.
    if (path === ADMIN_API_PREFIX || path.startsWith(`${ADMIN_API_PREFIX}/`)) await app.requireAdmin.call(app, request, reply);
    return reply.status(404).send(errorBody(ERRORS.noRoute(request.method, path)));
  });
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
  const refusal = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? ERRORS.requestTimeout() : ERRORS.notHttp();
  const status = refusal.status;
  const body = JSON.stringify(errorBody(refusal));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
