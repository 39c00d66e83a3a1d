import { ERRORS } from '@darkroom/core/error-factories';
import type { FastifyReply } from 'fastify';
import type { RequestCount } from '../services/auth-cache.js';

/**
 * Sets the `RateLimit-*` headers on a tenant's response (the error handler keeps them), and refuses
 * the request with `429 rate_limited` and `Retry-After` once the key is over its limit for this
 * window. Windows are fixed minutes, counted in Redis across every API process; without a count
 * (Redis away) the request goes through unlimited and without the headers.
 */
export function enforceRateLimit(reply: FastifyReply, requests: RequestCount | undefined): void {
  if (!requests) return;
  const { limit } = requests;
  const resetSeconds = Math.max(1, Math.ceil((requests.resetAt - Date.now()) / 1000));
  reply.header('ratelimit-limit', String(limit));
  reply.header('ratelimit-remaining', String(Math.max(0, limit - requests.count)));
  reply.header('ratelimit-reset', String(resetSeconds));
  if (requests.count > limit) {
    reply.header('retry-after', String(resetSeconds));
    throw ERRORS.keyRateLimited(limit, resetSeconds);
  }
}
