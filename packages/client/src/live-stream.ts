import type { ClientContext } from './client.js';
import { errorFromResponse, networkError } from './errors.js';
import { sleep } from './retry.js';

/** Refusals that polling would get too: no point falling back. */
const FINAL_REFUSALS = new Set([400, 401, 403, 404]);

/**
 * A live stream of the API (`/v1/assets/:id/events`, `/v1/events/stream`) as its body, or null when
 * it cannot open and polling should take over: no answer, 429 over the stream limit, 5xx, a proxy
 * that does not stream. Throws a DarkroomError for a refusal polling would get too, and on an abort.
 */
export async function openLiveStream(ctx: ClientContext, path: string, signal: AbortSignal | undefined): Promise<ReadableStream<Uint8Array> | null> {
  let res: Response;
  try {
    res = await ctx.fetch(`${ctx.baseUrl}${path}`, {
      headers: { authorization: await ctx.authorization(), accept: 'text/event-stream' },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    const failure = networkError(error, 'live status', signal);
    if (failure.code !== 'network_error') throw failure;
    return null;
  }
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    if (FINAL_REFUSALS.has(res.status)) throw errorFromResponse(res.status, body, 'live status');
    return null;
  }
  if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  return res.body;
}

/** How one stream ended: with the final state, or not (then whether it opened at all, so is worth reopening). */
export interface StreamOutcome<T> {
  final?: T;
  opened: boolean;
}

/**
 * A stream that ends without a final state (a restarting API, a proxy's idle timeout) is opened
 * again; after this many in a row that each lasted less than LONG_LIVED_STREAM_MS (a proxy that
 * cuts every stream short), polling takes over.
 */
const STREAM_REOPENS = 5;
const LONG_LIVED_STREAM_MS = 30_000;
const REOPEN_AFTER_MS = 500;

/**
 * Follows `stream` until it gives a final state, opening it again as long as that is worth it;
 * null once it no longer is (the caller polls).
 */
export async function followStreams<T>(stream: () => Promise<StreamOutcome<T>>, signal: AbortSignal | undefined): Promise<T | null> {
  for (let shortLived = 0; shortLived < STREAM_REOPENS; ) {
    const openedAt = Date.now();
    const outcome = await stream();
    if (outcome.final) return outcome.final;
    if (!outcome.opened) return null;
    shortLived = Date.now() - openedAt < LONG_LIVED_STREAM_MS ? shortLived + 1 : 0;
    await sleep(REOPEN_AFTER_MS, signal);
  }
  return null;
}
