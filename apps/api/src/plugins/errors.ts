import { answerClientError, errorAnswer, type ErrorAnswerPolicy } from '@darkroom/core/error-answer';
import { BODY_LIMIT_BYTES } from '@darkroom/core/limits';
import { DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';
import { InvalidCursorError } from '@darkroom/db/pagination';
import { StorageAccessDeniedError, StorageUnavailableError } from '@darkroom/storage';
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
  // A body that is no JSON object at all (text/plain, which Fastify parses as a string).
  if (!field && where === 'body' && first?.keyword === 'invalid_type') return ERRORS.bodyNotJson();
  if (field && first && isMissing(first)) return ERRORS.missingField(field, where);
  return ERRORS.invalidField(field, where, first?.message ?? 'does not match the schema');
}

/**
 * A required field left out. Zod drops an issue's input before it reaches here (unless asked to
 * report it), so the sign is its message's ending, fixed by zod's English locale.
 */
const isMissing = (issue: ValidationIssue) => issue.keyword === 'invalid_type' && (issue.message ?? '').endsWith('received undefined');

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

/** The API's answers carry a refusal's plain facts (`details`); their headers are the routes' and plugins' own. */
const API_ANSWERS: ErrorAnswerPolicy = { details: true };

/**
 * Where an error becomes a response (core's `errorAnswer`): `{ error: { code, message, details? } }`
 * with the code's status. Server errors are logged in full; the body never carries their internals.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const refusal = asDarkroomError(error, request.routeOptions?.bodyLimit);
  if (refusal.status >= 500) request.log.error({ err: error }, refusal.message);
  return sendAnswer(reply, refusal);
}

/** A refusal already ours (a 404 of no route, a readiness check's 503), answered as every other. */
export function sendAnswer(reply: FastifyReply, refusal: DarkroomError): FastifyReply {
  const answer = errorAnswer(refusal, API_ANSWERS);
  return reply.status(answer.status).headers(answer.headers).send(answer.body);
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
    return sendAnswer(reply, ERRORS.noRoute(request.method, path));
  });
}

export default fp(errorsPlugin, { name: 'darkroom-errors' });

/** Node's own refusals, made before any request exists, written to the socket (Fastify's `clientErrorHandler`). */
export function writeClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  answerClientError(error, socket, API_ANSWERS);
}
