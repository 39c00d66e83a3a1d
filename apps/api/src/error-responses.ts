import { ErrorBody } from '@darkroom/core/contract/error';

/**
 * The error responses routes declare in their schemas, read by the routes and by the OpenAPI
 * document's limits (plugins/openapi-limits.ts), which finds tenant routes by their 429.
 */

/** Error responses every authenticated route can give. */
export const authErrors = { 401: ErrorBody } as const;
/**
 * Every tenant route: a bad key; an admin token, or an upload token where the route takes none
 * (403); or a key over its rate limit (RATE_LIMIT_PER_MINUTE). A route with this 429 is documented
 * with the RateLimit-* headers on each response (plugins/openapi-limits.ts).
 */
export const tenantErrors = { 401: ErrorBody, 403: ErrorBody, 429: ErrorBody } as const;
