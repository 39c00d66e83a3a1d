import { type DarkroomError, type DeliveryUnavailableReason, VARIANT_CACHE_CONTROL } from '@darkroom/core';
import type { FastifyReply } from 'fastify';
import type { StoredImageAnswer } from '../request/answer.js';

/**
 * Every header policy of delivery's answers, in one place: Cache-Control by kind of answer (a
 * route picks the table for its URLs) and Retry-After by the condition a refusal names.
 */
export interface AnswerCaching {
  /** The render asked for: immutable under its URL. */
  image: string;
  /** Another format while `f_auto`'s AVIF is not ready: kept briefly, then asked again. */
  interim: string;
  /** An older revision's 301: the asset may change revision again. */
  redirect: string;
  /** A refusal a CDN may keep: the same URL gets the same answer. */
  cacheableRefusal: string;
  /** Every other refusal: it may be answered otherwise a moment later. */
  refusal: string;
}

const BRIEFLY = 'public, max-age=60';

/** `/img/…`: public URLs, kept by any cache. */
export const PUBLIC_CACHING: AnswerCaching = {
  image: VARIANT_CACHE_CONTROL,
  interim: BRIEFLY,
  redirect: BRIEFLY,
  cacheableRefusal: BRIEFLY,
  refusal: 'no-store',
};

/** Refusals of the URL itself, which asking again does not change. */
const CACHEABLE_REFUSALS = new Set<string>(['invalid_request', 'not_found']);

/** How long a client is asked to wait before asking again, by why the server is unavailable. */
const RETRY_AFTER_SECONDS: Readonly<Record<DeliveryUnavailableReason, number>> = {
  render_slots_busy: 2,
  still_rendering: 2,
  render_too_slow: 2,
  // Storage trouble takes longer to pass than a busy moment.
  storage_unavailable: 5,
};

export function writeImageHeaders(reply: FastifyReply, answer: StoredImageAnswer, caching: AnswerCaching): void {
  reply.header('content-type', answer.contentType).header('cache-control', caching[answer.kind]).header('etag', answer.stored.etag);
  if (answer.vary) reply.header('vary', 'Accept');
}

export function writeRedirectHeaders(reply: FastifyReply, location: string, caching: AnswerCaching): void {
  reply.header('cache-control', caching.redirect).header('location', location);
}

/** A refusal's headers: Cache-Control as the contract says, and Retry-After on 429 and 503. */
export function writeRefusalHeaders(reply: FastifyReply, refusal: DarkroomError, caching: AnswerCaching): void {
  reply.header('cache-control', CACHEABLE_REFUSALS.has(refusal.code) ? caching.cacheableRefusal : caching.refusal);
  const retryAfter = retryAfterSeconds(refusal);
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
}

/** A rate limit's own wait (until its window turns), else the wait of the condition it names. */
function retryAfterSeconds(refusal: DarkroomError): number | undefined {
  const details = refusal.details;
  if (typeof details?.retryAfterSeconds === 'number') return details.retryAfterSeconds;
  const reason = details?.reason;
  if (refusal.code !== 'unavailable' || typeof reason !== 'string' || !Object.hasOwn(RETRY_AFTER_SECONDS, reason)) return undefined;
  return RETRY_AFTER_SECONDS[reason as DeliveryUnavailableReason];
}
