import { call, type ClientContext } from './client.js';
import { abortError, DarkroomError } from './errors.js';
import { followStreams, openLiveStream, type StreamOutcome } from './live-stream.js';
import { sleep } from './retry.js';
import { parseEventStream, type SseMessage } from './sse.js';
import { isFinishedImport, type Import } from './types.js';

export interface FollowImportOptions {
  signal?: AbortSignal | undefined;
  /** The import as it is now: first as read, then at each change (`import.progress`, at most once a second while it runs). */
  onProgress?: ((imp: Import) => void) | undefined;
  /** Skip the live stream and poll `GET /v1/imports/:id` (default false). */
  poll?: boolean | undefined;
  /**
   * While the stream says nothing of the import, it is read again this often (default 10 s): a
   * paused import sends no progress, and that is how a pause shows.
   */
  checkEveryMs?: number | undefined;
  /** Polling reads the import this often (default 2 s). */
  pollEveryMs?: number | undefined;
}

const CHECK_EVERY_MS = 10_000;
const POLL_EVERY_MS = 2000;
const QUIET = Symbol('quiet');

/**
 * Resolves with the import once it has ended (`done`, `failed` or `canceled`). Follows the tenant's
 * event stream (`import.progress` and the import's end) and falls back to polling when it cannot
 * open, as `waitUntilReady` does. Each stream is opened before the import is read, so no change
 * falls between the two. Throws a DarkroomError: `not_found`, `aborted`, or the API's refusal.
 */
export async function followImport(ctx: ClientContext, id: string, options: FollowImportOptions = {}): Promise<Import> {
  const { signal } = options;
  const report = (imp: Import) => options.onProgress?.(imp);
  const checkEveryMs = options.checkEveryMs ?? CHECK_EVERY_MS;
  const streamed = options.poll ? null : await followStreams(() => followStream(ctx, id, { signal, report, checkEveryMs }), signal);
  if (streamed) return streamed;
  for (;;) {
    const imp = await readImport(ctx, id, signal);
    report(imp);
    if (isFinishedImport(imp)) return imp;
    await sleep(options.pollEveryMs ?? POLL_EVERY_MS, signal);
  }
}

async function readImport(ctx: ClientContext, id: string, signal: AbortSignal | undefined): Promise<Import> {
  const options = { params: { path: { id } }, ...(signal ? { signal } : {}) };
  const { import: imp } = await call(ctx, 'get import', () => ctx.api.GET('/v1/imports/{id}', options), { idempotent: true, signal });
  return imp;
}

/** The import a message of the tenant's stream carries, when it is about this one. */
function importOf(message: SseMessage, id: string): Import | null {
  if (!message.event.startsWith('import.')) return null;
  const imp = (JSON.parse(message.data) as { data?: { import?: Import } }).data?.import;
  return imp?.id === id ? imp : null;
}

interface StreamContext {
  signal: AbortSignal | undefined;
  report: (imp: Import) => void;
  checkEveryMs: number;
}

/** One stream: opened, then the import read, then its messages until it ends or the stream does. */
async function followStream(ctx: ClientContext, id: string, stream: StreamContext): Promise<StreamOutcome<Import>> {
  // Its own controller: a read left waiting on a quiet stream is ended with it.
  const local = new AbortController();
  const signal = stream.signal ? AbortSignal.any([stream.signal, local.signal]) : local.signal;
  const body = await openLiveStream(ctx, '/v1/events/stream', signal);
  if (!body) return { opened: false };
  const messages = parseEventStream(body);
  const seen = (imp: Import): StreamOutcome<Import> | null => {
    stream.report(imp);
    return isFinishedImport(imp) ? { opened: true, final: imp } : null;
  };
  // Each read is taken (or left to fail when the stream is ended): none may reject unheard.
  const nextMessage = () => {
    const read = messages.next();
    read.catch(() => {});
    return read;
  };
  try {
    let pending = nextMessage();
    const first = seen(await readImport(ctx, id, stream.signal));
    if (first) return first;
    for (;;) {
      const next = await quietAfter(pending, stream.checkEveryMs);
      if (next === QUIET) {
        const read = seen(await readImport(ctx, id, stream.signal));
        if (read) return read;
        continue;
      }
      if (next.done) return { opened: true };
      pending = nextMessage();
      const imp = importOf(next.value, id);
      const ended = imp && seen(imp);
      if (ended) return ended;
    }
  } catch (error) {
    if (stream.signal?.aborted) throw abortError(stream.signal);
    if (error instanceof DarkroomError) throw error;
    // A broken connection mid-stream: opened again by the caller, which reads the import afresh.
    return { opened: true };
  } finally {
    local.abort();
  }
}

/** The next message, or QUIET when none comes within `ms`. */
async function quietAfter<T>(next: Promise<T>, ms: number): Promise<T | typeof QUIET> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const quiet = new Promise<typeof QUIET>((resolve) => {
    timer = setTimeout(() => resolve(QUIET), ms);
  });
  try {
    return await Promise.race([next, quiet]);
  } finally {
    clearTimeout(timer);
  }
}
