import { call, type ClientContext } from './client.js';
import { abortError, DarkroomError, errorFromResponse, networkError } from './errors.js';
import { sleep } from './retry.js';
import { parseEventStream } from './sse.js';
import { isFinal, type Asset } from './types.js';

/** A live message's JSON: the asset itself (`asset.snapshot`), an event carrying it, or a progress tick. */
interface LiveMessage {
  progress?: unknown;
  data?: { progress?: unknown; asset?: Asset };
}

/** Where processing is: each change of status, and the job's progress (0..1) where it reports one (video). */
export interface ProcessingProgress {
  phase: 'processing';
  assetId: string;
  asset: Asset;
  /** The job's progress, 0..1, from `asset.progress` events; null until one comes. */
  progress: number | null;
}

export interface WaitOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: ProcessingProgress) => void) | undefined;
  /** Give up after this long with a `timeout` DarkroomError (default: wait as long as it takes). */
  timeoutMs?: number | undefined;
  /** Skip the live stream and poll `GET /v1/assets/:id` (default false). */
  poll?: boolean | undefined;
}

/** Polling waits this long at first, then half as long again each time, up to the maximum. */
const POLL_FIRST_MS = 500;
const POLL_MAX_MS = 5000;
/**
 * A stream that ends without a final status (a restarting API, a proxy's idle timeout) is opened
 * again; after this many in a row that each lasted less than LONG_LIVED_STREAM_MS (a proxy that
 * cuts every stream short), polling takes over.
 */
const STREAM_REOPENS = 5;
const LONG_LIVED_STREAM_MS = 30_000;

/**
 * Resolves with the asset once its status is final (`ready`, `failed`, `canceled` or `expired`):
 * follows `GET /v1/assets/:id/events` and falls back to polling when the stream cannot open (no
 * answer, 429 over the stream limit, 5xx, a proxy that does not stream). Throws a DarkroomError:
 * `not_found` (unknown or deleted asset), `aborted`, `timeout`, or the API's refusal.
 */
export async function waitUntilReady(ctx: ClientContext, id: string, options: WaitOptions = {}): Promise<Asset> {
  const timeout = options.timeoutMs !== undefined ? AbortSignal.timeout(options.timeoutMs) : undefined;
  const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
  try {
    let progress: number | null = null;
    const report = (asset: Asset) => options.onProgress?.({ phase: 'processing', assetId: id, asset, progress });
    const onProgressEvent = (asset: Asset, value: number) => {
      progress = value;
      report(asset);
    };
    if (!options.poll) {
      for (let shortLived = 0; shortLived < STREAM_REOPENS; ) {
        const openedAt = Date.now();
        const outcome = await followStream(ctx, id, signal, report, onProgressEvent);
        if (outcome.final) return outcome.final;
        if (!outcome.opened) break;
        shortLived = Date.now() - openedAt < LONG_LIVED_STREAM_MS ? shortLived + 1 : 0;
        await sleep(POLL_FIRST_MS, signal);
      }
    }
    return await poll(ctx, id, signal, report);
  } catch (error) {
    if (timeout?.aborted && !options.signal?.aborted) {
      throw new DarkroomError('timeout', `Asset ${id} did not reach a final status within ${options.timeoutMs} ms.`);
    }
    throw error;
  }
}

interface StreamOutcome {
  final?: Asset;
  /** The stream opened (so it is worth reopening). */
  opened: boolean;
}

/** Refusals that polling would get too: no point falling back. */
const FINAL_REFUSALS = new Set([400, 401, 403, 404]);

async function followStream(
  ctx: ClientContext,
  id: string,
  signal: AbortSignal | undefined,
  report: (asset: Asset) => void,
  onProgressEvent: (asset: Asset, progress: number) => void,
): Promise<StreamOutcome> {
  const closed: StreamOutcome = { opened: false };
  let res: Response;
  try {
    res = await ctx.fetch(`${ctx.baseUrl}/v1/assets/${encodeURIComponent(id)}/events`, {
      headers: { authorization: await ctx.authorization(), accept: 'text/event-stream' },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    const failure = networkError(error, 'live status', signal);
    if (failure.code !== 'network_error') throw failure;
    return closed;
  }
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    if (FINAL_REFUSALS.has(res.status)) throw errorFromResponse(res.status, body, 'live status');
    return closed;
  }
  if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
    await res.body?.cancel().catch(() => {});
    return closed;
  }
  const outcome: StreamOutcome = { opened: true };
  let latest: Asset | undefined;
  try {
    for await (const message of parseEventStream(res.body)) {
      const data = JSON.parse(message.data) as LiveMessage;
      if (message.event === 'asset.progress') {
        const value = data.data?.progress ?? data.progress;
        if (latest && typeof value === 'number') onProgressEvent(latest, value);
        continue;
      }
      if (message.event === 'asset.deleted') throw new DarkroomError('not_found', `Asset ${id} was deleted.`, { status: 404 });
      const asset = message.event === 'asset.snapshot' ? (data as Asset) : data.data?.asset;
      if (!asset || typeof asset.status !== 'string') continue;
      latest = asset;
      report(asset);
      if (isFinal(asset)) return { ...outcome, final: asset };
    }
  } catch (error) {
    if (error instanceof DarkroomError) throw error;
    if (signal?.aborted) throw abortError(signal);
    // A broken connection mid-stream: reopened by the caller, which gets a fresh snapshot.
  }
  return outcome;
}

async function poll(ctx: ClientContext, id: string, signal: AbortSignal | undefined, report: (asset: Asset) => void): Promise<Asset> {
  for (let wait = POLL_FIRST_MS; ; wait = Math.min(POLL_MAX_MS, Math.round(wait * 1.5))) {
    const asset = await call(ctx, 'get asset', () => ctx.api.GET('/v1/assets/{id}', { params: { path: { id } }, ...(signal ? { signal } : {}) }), {
      idempotent: true,
      signal,
    });
    report(asset);
    if (isFinal(asset)) return asset;
    await sleep(wait, signal);
  }
}
