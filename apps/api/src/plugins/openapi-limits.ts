import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { BODY_LIMIT_BYTES, CONSOLE_FORM_LIMIT_BYTES, tenantErrors } from '../routes/common.schemas.js';

/**
 * The limits on every door, in the OpenAPI document: the rate-limit headers of tenant routes, the
 * body limit of routes that take a body, and the console login's attempt limit. The zod schemas say
 * what bodies look like; headers and the login form (an HTML page, not JSON) are added here.
 */

const integer = (description: string) => ({ type: 'integer', minimum: 0, description });

/** On every response of a tenant route (left out while Redis is unreachable: keys are not limited then). */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': integer('Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own).'),
  'RateLimit-Remaining': integer('Requests left to this key in the current window.'),
  'RateLimit-Reset': integer('Seconds until the current window ends.'),
};
const RETRY_AFTER = { 'Retry-After': integer('Seconds until the key (or client) may try again.') };

const BODY_REFUSED = `invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over 64 KiB (${BODY_LIMIT_BYTES} bytes: the limit of every request body).`;

type JsonSchema = Record<string, unknown>;

/** Refused before the key is counted (no key, an unknown one, an admin token): no RateLimit-* headers. */
const UNCOUNTED = new Set(['401', '403']);

/** The rate-limit headers on a tenant route's responses (those of a counted key), Retry-After on its 429. */
function withRateLimitHeaders(response: Record<string, JsonSchema>): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(response).map(([status, schema]) => {
      if (UNCOUNTED.has(status)) return [status, schema];
      const headers = status === '429' ? { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER } : RATE_LIMIT_HEADERS;
      const description = status === '429' ? 'rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route.' : undefined;
      return [status, { ...schema, headers, ...(description && !schema.description ? { description } : {}) }];
    }),
  );
}

/** A route that takes a body can answer 400 for it, the body limit included. */
function withBodyLimit(response: Record<string, JsonSchema>, errorSchema: JsonSchema): Record<string, JsonSchema> {
  return { ...response, 400: { ...(response['400'] ?? errorSchema), description: BODY_REFUSED } };
}

/** jsonSchemaTransform, then the limits of the route: tenant routes are the ones whose 429 is `tenantErrors`'. */
export const limitsTransform: SwaggerTransform = (input) => {
  const transformed = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const original = input.schema as { body?: unknown; response?: Record<string, unknown> } | undefined;
  let response = (transformed.schema as { response?: Record<string, JsonSchema> }).response;
  if (!response) return transformed;
  if (original?.body !== undefined) response = withBodyLimit(response, { $ref: '#/components/schemas/Error' });
  if (original?.response?.[429] === tenantErrors[429]) response = withRateLimitHeaders(response);
  return { ...transformed, schema: { ...transformed.schema, response } };
};

/** The console's login form: hidden from the generated routes (it answers HTML), described here. */
const LOGIN_PATH = {
  post: {
    tags: ['admin console'],
    summary: 'Log in to the admin console with ADMIN_TOKEN or an admin key (an HTML form; sets an HttpOnly session cookie)',
    security: [],
    requestBody: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: {
            type: 'object',
            properties: { token: { type: 'string', maxLength: 1024 }, next: { type: 'string', maxLength: 200 } },
            required: ['token'],
          },
        },
      },
    },
    responses: {
      303: { description: 'Logged in: the session cookie is set, and the browser is sent to `next` (or /admin/failed).' },
      401: { description: 'Not an admin token; the login page again. Counts as a failed attempt.' },
      400: {
        description: `invalid_request (JSON): a token over 1024 characters, or a form over ${CONSOLE_FORM_LIMIT_BYTES} bytes. Not counted as an attempt.`,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
      403: { description: 'Posted from another site (its Origin is not this host).' },
      429: {
        description:
          'More than 10 failed attempts from this client IP in 15 minutes (the window starts at the first): every attempt, the right token too, until it ends. The client IP is the TCP peer unless TRUST_PROXY names the proxy in front.',
        headers: { 'Retry-After': { schema: RETRY_AFTER['Retry-After'] } },
      },
    },
  },
};

const LIMITS_SENTENCE =
  ` Limits: each tenant key makes at most RATE_LIMIT_PER_MINUTE requests a minute (RateLimit-* headers on every tenant response, 429 rate_limited with Retry-After over it); request bodies are at most 64 KiB (400 invalid_request); a request must arrive within REQUEST_TIMEOUT (408) and a connection that sends nothing for CONNECTION_TIMEOUT is closed; the console login allows 10 failed attempts per client IP per 15 minutes (429).`;

/** jsonSchemaTransformObject, then the login route and a sentence on the limits. */
export const limitsTransformObject: SwaggerTransformObject = (documentObject) => {
  const document = jsonSchemaTransformObject(documentObject) as { info?: { description?: string }; paths?: Record<string, unknown> };
  return {
    ...document,
    info: { ...document.info, description: `${document.info?.description ?? ''}${LIMITS_SENTENCE}` },
    paths: { ...document.paths, '/admin/login': LOGIN_PATH },
  } as unknown as ReturnType<SwaggerTransformObject>;
};
