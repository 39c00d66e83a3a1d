import { ERRORS } from '@darkroom/core/error-factories';
import { INTERIM_PLAYLIST_CACHE_CONTROL, INTERIM_PLAYLIST_MAX_AGE_SECONDS, VARIANT_CACHE_CONTROL } from '@darkroom/core/keys';
import type { FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { StoredImageAnswer } from '../request/answer.js';
import {
  PRIVATE_REFUSAL_CACHING,
  PUBLIC_CACHING,
  privateCaching,
  refusalHeaders,
  writeImageHeaders,
  writePrivateCorsHeaders,
  writeObjectHeaders,
  writePrivatePreflightHeaders,
  writeRedirectHeaders,
} from './answer-headers.js';

/** The headers a writer sets, as a reply would hold them. */
function headersOf(write: (reply: FastifyReply) => void): Record<string, string> {
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name] = value;
      return reply;
    },
    getHeader: (name: string) => headers[name],
  };
  write(reply as unknown as FastifyReply);
  return headers;
}

const stored = { data: Buffer.from('x'), etag: '"e"' };
const answer = (kind: StoredImageAnswer['kind'], vary: boolean): StoredImageAnswer => ({
  kind,
  stored,
  contentType: 'image/webp',
  vary,
  result: 'hit',
  tenantId: '00000000-0000-4000-8000-000000000000',
  autoQuality: undefined,
});

describe('answer headers on /img/ (PUBLIC_CACHING)', () => {
  it('keeps an image as long as its variant, an interim answer and a redirect a minute', () => {
    expect(headersOf((r) => writeImageHeaders(r, answer('image', false), PUBLIC_CACHING))).toEqual({
      'content-type': 'image/webp',
      'cache-control': VARIANT_CACHE_CONTROL,
      etag: '"e"',
      'accept-ranges': 'bytes',
    });
    expect(headersOf((r) => writeImageHeaders(r, answer('interim', true), PUBLIC_CACHING))).toMatchObject({
      'cache-control': 'public, max-age=60',
      vary: 'Accept',
    });
    expect(headersOf((r) => writeRedirectHeaders(r, '/img/x', PUBLIC_CACHING))).toEqual({
      'cache-control': 'public, max-age=60',
      location: '/img/x',
    });
  });

  it("says which quality a q_auto render chose, exposed to a page's script", () => {
    const auto = { ...answer('image', true), autoQuality: { level: 'eco' as const, quality: 57 } };
    expect(headersOf((r) => writeImageHeaders(r, auto, PUBLIC_CACHING))).toMatchObject({
      'darkroom-quality': 'eco=57',
      'access-control-expose-headers': 'Darkroom-Quality',
      vary: 'Accept',
    });
    const privateAnswer = headersOf((r) => {
      writePrivateCorsHeaders(r);
      writeImageHeaders(r, auto, PUBLIC_CACHING);
    });
    expect(privateAnswer['access-control-expose-headers']).toBe('Content-Range, Content-Length, ETag, Accept-Ranges, Darkroom-Quality');
  });

  it('lets a CDN keep a refusal of the URL itself, and nothing else', () => {
    const cacheControl = (error: Parameters<typeof refusalHeaders>[0]) => refusalHeaders(error, PUBLIC_CACHING)['cache-control'];
    expect(cacheControl(ERRORS.noSuchImage())).toBe('public, max-age=60');
    expect(cacheControl(ERRORS.unknownOption('x_1'))).toBe('public, max-age=60');
    expect(cacheControl(ERRORS.signatureMismatch())).toBe('no-store');
    expect(cacheControl(ERRORS.renderSlotsBusy())).toBe('no-store');
  });

  it('asks a client to wait by the condition: 2 s for busy or slow renders, 5 s for storage, a rate limit its own', () => {
    const retryAfter = (error: Parameters<typeof refusalHeaders>[0]) => refusalHeaders(error, PUBLIC_CACHING)['retry-after'];
    expect(retryAfter(ERRORS.renderSlotsBusy())).toBe('2');
    expect(retryAfter(ERRORS.stillRendering())).toBe('2');
    expect(retryAfter(ERRORS.renderTooSlow())).toBe('2');
    expect(retryAfter(ERRORS.deliveryStorageUnavailable())).toBe('5');
    expect(retryAfter(ERRORS.rendersRateLimited(600, 17))).toBe('17');
    expect(retryAfter(ERRORS.noSuchImage())).toBeUndefined();
  });
});

describe('answer headers of a private link refusal (PRIVATE_REFUSAL_CACHING)', () => {
  it('keeps none of them, and still asks a client to wait by the condition', () => {
    expect(refusalHeaders(ERRORS.noSuchFile(), PRIVATE_REFUSAL_CACHING)).toEqual({ 'cache-control': 'no-store' });
    expect(refusalHeaders(ERRORS.lookupsBusy(), PRIVATE_REFUSAL_CACHING)).toEqual({ 'cache-control': 'no-store', 'retry-after': '1' });
  });
});

describe('a stored object under /p/ (privateCaching)', () => {
  const object = (cacheControl: string | undefined) => ({
    status: 200 as const,
    size: 8,
    length: 8,
    range: undefined,
    etag: '"m"',
    contentType: 'application/vnd.apple.mpegurl',
    lastModified: undefined,
    metadata: {},
    cacheControl,
    body: null,
  });

  it('keeps a variant or stream file as long as the link allows, an interim master playlist at most its own max-age', () => {
    const caching = privateCaching(3600);
    expect(headersOf((reply) => writeObjectHeaders(reply, object(VARIANT_CACHE_CONTROL), caching))['cache-control']).toBe(
      'public, max-age=3600, must-revalidate',
    );
    expect(headersOf((reply) => writeObjectHeaders(reply, object(INTERIM_PLAYLIST_CACHE_CONTROL), caching))['cache-control']).toBe(
      `public, max-age=${INTERIM_PLAYLIST_MAX_AGE_SECONDS}, must-revalidate`,
    );
    // Nor past the link's own life.
    expect(headersOf((reply) => writeObjectHeaders(reply, object(INTERIM_PLAYLIST_CACHE_CONTROL), privateCaching(4)))['cache-control']).toBe(
      'public, max-age=4, must-revalidate',
    );
  });

  it('has every answer a cache may keep revalidated once its age is past, never served stale past the link', () => {
    for (const maxAge of [0, 4, 30, 3600]) {
      for (const [kind, value] of Object.entries(privateCaching(maxAge))) {
        if (value === 'no-store') continue;
        expect(value, kind).toMatch(/^public, max-age=\d+, must-revalidate$/);
        expect(Number(/max-age=(\d+)/.exec(value)![1]), kind).toBeLessThanOrEqual(maxAge);
      }
    }
    expect(headersOf((reply) => writeRedirectHeaders(reply, '/p/x', privateCaching(3600)))['cache-control']).toBe(
      'public, max-age=60, must-revalidate',
    );
  });
});

describe('a preflight under /p/', () => {
  it('allows Range, If-Range and If-None-Match from any origin', () => {
    const headers = headersOf(writePrivatePreflightHeaders);
    expect(headers['access-control-allow-origin']).toBe('*');
    expect(headers['access-control-allow-headers']!.split(', ')).toEqual(['Range', 'If-Range', 'If-None-Match']);
  });
});
