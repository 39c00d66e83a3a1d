import { call, type ClientContext } from './client.js';
import { abortError, DarkroomError } from './errors.js';
import { followStreams, openLiveStream, type StreamOutcome } from './live-stream.js';
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
    const streamed = options.poll ? null : await followStreams(() => followStream(ctx, id, signal, report, onProgressEvent), signal);
    return streamed ?? (await poll(ctx, id, signal, report));
  } catch (error) {
    if (timeout?.aborted && !options.signal?.aborted) {
      throw new DarkroomError('timeout', `Asset ${id} did not reach a final status within ${options.timeoutMs} ms.`);
    }
    throw error;
  }
}

async function followStream(
  ctx: ClientContext,
  id: string,
  signal: AbortSignal | undefined,
  report: (asset: Asset) => void,
  onProgressEvent: (asset: Asset, progress: number) => void,
): Promise<StreamOutcome<Asset>> {
  const body = await openLiveStream(ctx, `/v1/assets/${encodeURIComponent(id)}/events`, signal);
  if (!body) return { opened: false };
  const outcome: StreamOutcome<Asset> = { opened: true };
  let latest: Asset | undefined;
  try {
    for await (const message of parseEventStream(body)) {
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
