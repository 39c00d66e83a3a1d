import type { Readable } from 'node:stream';
import { ERRORS } from '@darkroom/core/error-factories';
import { isPublicAddress, type AddressPolicy, type Resolver } from '@darkroom/core/webhook-guard';
import { MAX_IMPORT_REDIRECTS } from '@darkroom/core/limits';
import type { DarkroomError } from '@darkroom/core/errors';
import { answeredStatus, discard, requestOnce, type Hop, type HopOptions } from './guarded-request.js';
import { SourceBody } from './body.js';
import { startDeadline } from '../transfer-deadline.js';

export interface UrlSourceOptions {
  /** HEAD for a dry run: what a GET would answer, without the bytes. */
  method: 'GET' | 'HEAD';
  /** The tenant's size limit: a larger Content-Length is refused before the body, a longer body while it streams. */
  maxBytes: number;
  /** IMPORT_ALLOW_PRIVATE (development and tests only): any address may be connected to. */
  allowPrivate: boolean;
  /** Each request's, from its start to a connected socket. */
  connectTimeoutMs: number;
  /** The longest the server may send nothing while it is waited on. */
  idleTimeoutMs: number;
  /** From the call to the body's last byte, every redirect included. */
  totalTimeoutMs: number;
  /** MAX_IMPORT_REDIRECTS unless said otherwise. */
  maxRedirects?: number;
  /** Ends the fetch (a paused or canceled import): the call rejects, or the body fails, with its reason. */
  signal?: AbortSignal;
  /** How host names resolve (tests stub it); the system resolver otherwise. */
  resolve?: Resolver;
  /** Which addresses may be connected to, in place of the public ones (a test allows its own server alone). */
  isAllowedAddress?: AddressPolicy;
}

export interface UrlSource {
  /**
   * The file's bytes as they come (null for HEAD); fails with the DarkroomError the item records. Read
   * it to its end or destroy it: until then it holds its connection, and its time limit runs.
   */
  body: Readable | null;
  /** The Content-Length, or null when the server announced none. */
  size: number | null;
  /** The Content-Type header, for information only: the type is taken from the bytes. */
  contentType: string | null;
  /** The URL after redirects. It may carry a signature: show it through `displaySource`. */
  finalUrl: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Where a redirect leads: its Location resolved against the URL that answered it. */
function redirectTarget(from: URL, location: string): URL {
  try {
    return new URL(location, from);
  } catch {
    throw ERRORS.sourceUnreachable('url', 'it redirects to a Location that is not a URL');
  }
}

/** Sends the request, and again to each redirect's target up to the limit, each checked as the first was. */
async function follow(start: URL, options: UrlSourceOptions, stop: AbortSignal): Promise<{ hop: Hop; url: URL }> {
  const isAllowed = options.allowPrivate ? () => true : (options.isAllowedAddress ?? isPublicAddress);
  const { method, connectTimeoutMs, idleTimeoutMs, resolve } = options;
  const hopOptions: HopOptions = { method, connectTimeoutMs, idleTimeoutMs, isAllowed, resolve, stop };
  const maxRedirects = options.maxRedirects ?? MAX_IMPORT_REDIRECTS;
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const hop = await requestOnce(url, hopOptions, redirects === 0 ? 'This URL' : 'A redirect from this URL');
    const location = hop.response.headers.location;
    if (!REDIRECT_STATUSES.has(hop.response.statusCode ?? 0) || location === undefined) return { hop, url };
    discard(hop);
    if (redirects === maxRedirects) throw ERRORS.sourceUnreachable('url', `it redirects more than ${maxRedirects} times`);
    url = redirectTarget(url, location);
  }
}

function statusError(status: number): DarkroomError {
  if (status === 404 || status === 410) return ERRORS.sourceNotFound('url');
  if (status === 401 || status === 403) return ERRORS.sourceForbidden('url');
  return ERRORS.sourceUnreachable('url', answeredStatus(status));
}

/** Why an answer's head fails the item before its body is read: a status other than success, or a size past the limit. */
function headFailure(status: number, size: number | null, maxBytes: number): DarkroomError | null {
  if (status < 200 || status > 299) return statusError(status);
  return size !== null && size > maxBytes ? ERRORS.fileTooLarge(size, maxBytes) : null;
}

function accept(hop: Hop, url: URL, options: UrlSourceOptions, stop: AbortSignal): UrlSource {
  const { statusCode = 0, headers } = hop.response;
  // Node's parser refuses a Content-Length that is not a number, or two that differ.
  const size = headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
  const failure = headFailure(statusCode, size, options.maxBytes);
  if (failure || options.method === 'HEAD') discard(hop);
  if (failure) throw failure;
  const { maxBytes, idleTimeoutMs } = options;
  const body = options.method === 'HEAD' ? null : new SourceBody(hop, { maxBytes, idleTimeoutMs, announced: size, stop });
  return { body, size, contentType: headers['content-type'] ?? null, finalUrl: url.href };
}

/**
 * Opens a file a tenant named by URL for an import: follows redirects, refuses every address and
 * scheme the import may not reach, and answers the body as a stream with the limits of `options`
 * enforced as it flows (docs/api.md, imports: "URL sources are hostile"). Rejects, and the body
 * fails, with the DarkroomError the item records, or with the reason of an aborted `signal`.
 */
export async function openUrlSource(url: string, options: UrlSourceOptions): Promise<UrlSource> {
  options.signal?.throwIfAborted();
  let start: URL;
  try {
    start = new URL(url);
  } catch {
    // Node's own error would carry the whole URL, its signature included.
    throw ERRORS.invalidField('url', 'the import item', 'not an absolute http:// or https:// URL');
  }
  const deadline = startDeadline(options.signal, options.totalTimeoutMs, 'url');
  try {
    const { hop, url: finalUrl } = await follow(start, options, deadline.signal);
    const source = accept(hop, finalUrl, options, deadline.signal);
    if (source.body) source.body.once('close', deadline.dispose);
    else deadline.dispose();
    return source;
  } catch (error) {
    deadline.dispose();
    throw error;
  }
}
