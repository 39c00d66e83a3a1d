import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { BODY_LIMIT_BYTES, CONSOLE_FORM_LIMIT_BYTES } from '@darkroom/core/limits';
import { tenantErrors } from '../error-responses.js';

/**
 * The limits on every door, in the OpenAPI document: the rate-limit headers of tenant routes, the
 * body limit of routes that take a body, and (in `info`, as the console's HTML form stays out of
 * `paths`) the login's attempt limit. The zod schemas say what bodies look like; the rest is here.
 */

const integer = (description: string) => ({ type: 'integer', minimum: 0, description });

/** On every response of a tenant route (left out while Redis is unreachable: keys are not limited then). */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': integer('Requests this key may make per one-minute window (RATE_LIMIT_PER_MINUTE, or the tenant’s own).'),
  'RateLimit-Remaining': integer('Requests left to this key in the current window.'),
  'RateLimit-Reset': integer('Seconds until the current window ends.'),
};
const RETRY_AFTER = { 'Retry-After': integer('Seconds until the key may try again.') };

const BODY_REFUSED = `invalid_request: a missing, malformed or unknown field, a body that is not JSON, or a body over ${BODY_LIMIT_BYTES / 1024} KiB (${BODY_LIMIT_BYTES} bytes: the limit of every request body).`;

type JsonSchema = Record<string, unknown>;

/** Refused before the key is counted (no key, an unknown one, an admin token): no RateLimit-* headers. */
const UNCOUNTED = new Set(['401', '403']);

/** The rate-limit headers on a tenant route's responses (those of a counted key), Retry-After on its 429. */
function withRateLimitHeaders(response: Record<string, JsonSchema>): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(response).map(([status, schema]) => {
      if (UNCOUNTED.has(status)) return [status, schema];
      const headers = status === '429' ? { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER } : RATE_LIMIT_HEADERS;
      const description =
        status === '429'
          ? 'rate_limited: over the key’s requests per minute (details.limit, details.retryAfterSeconds; Retry-After), or another limit of the route.'
          : undefined;
      return [status, { ...schema, headers, ...(description && !schema.description ? { description } : {}) }];
    }),
  );
}

/** A route that takes a body can answer 400 for it, the body limit included. */
function withBodyLimit(response: Record<string, JsonSchema>, errorSchema: JsonSchema): Record<string, JsonSchema> {
  return { ...response, 400: { ...(response['400'] ?? errorSchema), description: BODY_REFUSED } };
}

/** The routes a browser upload token may call take either bearer scheme (docs.ts names both). */
const KEY_OR_UPLOAD_TOKEN: Record<string, string[]>[] = [{ bearer: [] }, { uploadToken: [] }];

/**
 * jsonSchemaTransform, then the limits of the route: tenant routes are the ones whose 429 is
 * `tenantErrors`'. Routes whose config takes upload tokens say so in their `security`.
 */
export const limitsTransform: SwaggerTransform = (input) => {
  const transformed = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const original = input.schema as { body?: unknown; response?: Record<string, unknown> } | undefined;
  const security = input.route?.config?.uploadToken === true ? { security: KEY_OR_UPLOAD_TOKEN } : {};
  let response = (transformed.schema as { response?: Record<string, JsonSchema> }).response;
  if (!response) return { ...transformed, schema: { ...transformed.schema, ...security } };
  if (original?.body !== undefined) response = withBodyLimit(response, { $ref: '#/components/schemas/Error' });
  if (original?.response?.[429] === tenantErrors[429]) response = withRateLimitHeaders(response);
  return { ...transformed, schema: { ...transformed.schema, ...security, response } };
};

const LIMITS_SENTENCE = [
  ' Limits: each tenant key makes at most RATE_LIMIT_PER_MINUTE requests a minute (RateLimit-Limit, RateLimit-Remaining and',
  ` RateLimit-Reset on every tenant response; over it, 429 rate_limited with Retry-After); request bodies are at most ${BODY_LIMIT_BYTES / 1024} KiB`,
  ' (400 invalid_request); a request must arrive within REQUEST_TIMEOUT (408), and a connection that sends nothing for',
  " CONNECTION_TIMEOUT is closed. POST /admin/login, the admin console's HTML login form (not listed here, like the console's",
  ' pages), allows 10 failed attempts per client IP per 15 minutes, counted from the first: after them every attempt, the right',
  ' token too, gets 429 with Retry-After until the window ends (the client IP is the TCP peer unless TRUST_PROXY names the',
  ` proxy in front); a token over 1024 characters or a form over ${CONSOLE_FORM_LIMIT_BYTES} bytes gets 400 invalid_request.`,
].join('');

/** jsonSchemaTransformObject, then a paragraph on the limits (the console's login included) in `info`. */
export const limitsTransformObject: SwaggerTransformObject = (documentObject) => {
  const document = jsonSchemaTransformObject(documentObject) as { info?: { description?: string } };
  const info = { ...document.info, description: `${document.info?.description ?? ''}${LIMITS_SENTENCE}` };
  return { ...document, info } as unknown as ReturnType<SwaggerTransformObject>;
};
