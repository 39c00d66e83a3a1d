import type { DarkroomError } from '@darkroom/core/errors';
import type { DeliveryUnavailableReason } from '@darkroom/core/error-factories';
import { INTERIM_PLAYLIST_CACHE_CONTROL, isInterimPlaylist, INTERIM_PLAYLIST_MAX_AGE_SECONDS, VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import type { FastifyReply } from 'fastify';
import type { StoredImageAnswer } from '../request/answer.js';
import type { ObjectAnswer } from '../request/private-object.js';

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
  /** A master playlist stored before its ladder was complete: it lists more rungs soon. */
  interimPlaylist: string;
}

const BRIEFLY = 'public, max-age=60';

/** `/img/…`: public URLs, kept by any cache. */
export const PUBLIC_CACHING: AnswerCaching = {
  image: VARIANT_CACHE_CONTROL,
  interim: BRIEFLY,
  redirect: BRIEFLY,
  cacheableRefusal: BRIEFLY,
  refusal: 'no-store',
  interimPlaylist: INTERIM_PLAYLIST_CACHE_CONTROL,
};

let lastPrivateCaching: { maxAgeSeconds: number; caching: AnswerCaching } | undefined;

/**
 * `/p/…`: a private link's answers are kept at most `maxAgeSeconds` (its token's life left, within
 * PRIVATE_CACHE_MAX_AGE), never immutable, and never served stale once that has passed
 * (`must-revalidate`: a cache that serves stale copies while the origin fails, or past their age
 * by its own rules, must not do so with these, which would outlive the token's `exp`); none of its
 * refusals is kept.
 */
export function privateCaching(maxAgeSeconds: number): AnswerCaching {
  // The same life for every request of a second (tokens minted together expire together): made once.
  if (lastPrivateCaching?.maxAgeSeconds === maxAgeSeconds) return lastPrivateCaching.caching;
  const keptFor = (seconds: number) => `public, max-age=${Math.min(seconds, maxAgeSeconds)}, must-revalidate`;
  const until = keptFor(maxAgeSeconds);
  const briefly = keptFor(60);
  const interimPlaylist = keptFor(INTERIM_PLAYLIST_MAX_AGE_SECONDS);
  const caching = { image: until, interim: briefly, redirect: briefly, cacheableRefusal: 'no-store', refusal: 'no-store', interimPlaylist };
  lastPrivateCaching = { maxAgeSeconds, caching };
  return caching;
}

/** What refuses a private link before its token is read: nothing of it may be kept. */
export const PRIVATE_REFUSAL_CACHING = privateCaching(0);

/**
 * CORS on every `/img/` answer, refusals included: a public URL's bytes are anyone's, and a page's
 * script on another origin may read them (a canvas, `fetch`) and the headers each answer exposes.
 */
export function writePublicCorsHeaders(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
}

/**
 * CORS on every private link's answer, refusals included: any origin, since the token in the path is
 * the credential and no cookie is involved; what a player reads of a ranged answer exposed.
 */
export function writePrivateCorsHeaders(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'Content-Range, Content-Length, ETag, Accept-Ranges');
}

/**
 * The answer to a preflight under `/p/`: GET and HEAD with `Range`, `If-Range` (a player resuming a
 * read) and a cache's validator, from anywhere. It says nothing of the asset, so it is kept a day.
 */
export function writePrivatePreflightHeaders(reply: FastifyReply): void {
  writePrivateCorsHeaders(reply);
  reply
    .header('access-control-allow-methods', 'GET, HEAD, OPTIONS')
    .header('access-control-allow-headers', 'Range, If-Range, If-None-Match')
    .header('access-control-max-age', '86400')
    .header('cache-control', 'public, max-age=86400');
}

/** A stored object's answer (`/p/…` naming a variant or stream file): what the bucket said of it; an interim master playlist kept briefly. */
export function writeObjectHeaders(reply: FastifyReply, object: ObjectAnswer, caching: AnswerCaching): void {
  const interim = isInterimPlaylist(object.cacheControl);
  reply.header('cache-control', interim ? caching.interimPlaylist : caching.image).header('accept-ranges', 'bytes');
  if (object.etag) reply.header('etag', object.etag);
  if (object.status === 304) return;
  if (object.contentType) reply.header('content-type', object.contentType);
  if (object.lastModified) reply.header('last-modified', object.lastModified.toUTCString());
  writeLengthHeaders(reply, object.length, object.size, object.range);
}

/** What of an answer's `size` bytes is sent: `length` of them, and which when it is one range of them (206). */
function writeLengthHeaders(reply: FastifyReply, length: number, size: number, range: { start: number; end: number } | undefined): void {
  reply.header('content-length', String(length));
  if (range) reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`);
}

/** A render's bytes (held whole, so any one range of them is sent as asked): all `size` of them, or `range`. */
export function writeImageLengthHeaders(reply: FastifyReply, size: number, range: { start: number; end: number } | undefined): void {
  writeLengthHeaders(reply, range ? range.end - range.start + 1 : size, size, range);
}

/** A range that starts past the object's end: what the object's size is. */
export function writeUnsatisfiableRangeHeaders(reply: FastifyReply, size: number): void {
  reply.header('cache-control', 'no-store').header('content-range', `bytes */${size}`).header('accept-ranges', 'bytes');
}

/** Refusals of the URL itself, which asking again does not change. */
const CACHEABLE_REFUSALS = new Set<string>(['invalid_request', 'not_found']);

/** How long a client is asked to wait before asking again, by why the server is unavailable. */
const RETRY_AFTER_SECONDS: Readonly<Record<DeliveryUnavailableReason, number>> = {
  render_slots_busy: 2,
  still_rendering: 2,
  render_too_slow: 2,
  // Storage trouble takes longer to pass than a busy moment.
  storage_unavailable: 5,
  // The lookups a second start again with the next second.
  lookups_busy: 1,
};

/** The codes a 503 is answered with: the server, or this second's lookups, is busy. */
const UNAVAILABLE_CODES = new Set<string>(['unavailable', 'busy']);

export function writeImageHeaders(reply: FastifyReply, answer: StoredImageAnswer, caching: AnswerCaching): void {
  reply
    .header('content-type', answer.contentType)
    .header('cache-control', caching[answer.kind])
    .header('etag', answer.stored.etag)
    .header('accept-ranges', 'bytes');
  if (answer.vary) reply.header('vary', 'Accept');
  if (answer.autoQuality) {
    // A page's script may read which quality q_auto chose (a CORS answer hides other headers); a
    // private link's answer already exposes its own list, which this adds to.
    const exposed = reply.getHeader('access-control-expose-headers');
    reply
      .header('darkroom-quality', `${answer.autoQuality.level}=${answer.autoQuality.quality}`)
      .header('access-control-expose-headers', exposed ? `${String(exposed)}, Darkroom-Quality` : 'Darkroom-Quality');
  }
}

export function writeRedirectHeaders(reply: FastifyReply, location: string, caching: AnswerCaching): void {
  reply.header('cache-control', caching.redirect).header('location', location);
}

/** A refusal's headers (core's `errorAnswer` puts them on its answer): Cache-Control as the contract says, and Retry-After on 429 and 503. */
export function refusalHeaders(refusal: DarkroomError, caching: AnswerCaching): Record<string, string> {
  const headers: Record<string, string> = { 'cache-control': CACHEABLE_REFUSALS.has(refusal.code) ? caching.cacheableRefusal : caching.refusal };
  const retryAfter = retryAfterSeconds(refusal);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  return headers;
}

/** A rate limit's own wait (until its window turns), else the wait of the condition it names. */
function retryAfterSeconds(refusal: DarkroomError): number | undefined {
  const details = refusal.details;
  if (typeof details?.retryAfterSeconds === 'number') return details.retryAfterSeconds;
  const reason = details?.reason;
  if (!UNAVAILABLE_CODES.has(refusal.code) || typeof reason !== 'string' || !Object.hasOwn(RETRY_AFTER_SECONDS, reason)) return undefined;
  return RETRY_AFTER_SECONDS[reason as DeliveryUnavailableReason];
}
