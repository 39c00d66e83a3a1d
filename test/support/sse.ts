import { waitFor } from './services.js';

/** One Server-Sent Events message as a browser's EventSource would dispatch it. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: any;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  /** Messages so far, in order (`data` parsed as JSON). */
  events: SseEvent[];
  /** Comment lines (heartbeats) so far. */
  comments: number;
  /** Resolves when the server ends the stream (or it is closed here). */
  ended: Promise<void>;
  /** The body of a refusal (a JSON error), when the status is not 200. */
  error: any;
  /** Waits until `count` messages (matching `match`, when given) have arrived; returns them. */
  waitForEvents(count: number, match?: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

/** Feeds lines to `dispatch`: `field: value` lines build a message, a blank line ends it, `:` lines are comments. */
function sseParser(onEvent: (event: SseEvent) => void, onComment: () => void) {
  let fields: { id?: string; event?: string; data: string[] } = { data: [] };
  return (line: string) => {
    if (line === '') {
      if (fields.data.length > 0) onEvent({ id: fields.id, event: fields.event ?? 'message', data: JSON.parse(fields.data.join('\n')) });
      fields = { data: [] };
    } else if (line.startsWith(':')) {
      onComment();
    } else {
      const colon = line.indexOf(':');
      const name = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (name === 'data') fields.data.push(value);
      else if (name === 'id' || name === 'event') fields[name] = value;
    }
  };
}

async function readLines(body: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  let buffered = '';
  try {
    for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const lines = buffered.split(/\r\n|\r|\n/);
      buffered = lines.pop()!;
      lines.forEach(onLine);
    }
  } catch {
    // Aborted here, or the server went away: either way the stream has ended.
  }
}

/** Opens `GET path` as an event stream with a tenant key (and any headers, e.g. `last-event-id`). */
export async function openSse(baseUrl: string, path: string, token: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const connection: SseConnection = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: 0,
    ended: Promise.resolve(),
    error: undefined,
    waitForEvents: (count, match = () => true, timeoutMs = 60_000) =>
      waitFor(
        `${count} stream events`,
        async () => {
          const matching = connection.events.filter(match);
          return matching.length >= count ? matching.slice(0, count) : null;
        },
        timeoutMs,
      ),
    close: () => abort.abort(),
  };
  if (response.status !== 200) {
    connection.error = await response.json();
    return connection;
  }
  const parse = sseParser(
    (event) => connection.events.push(event),
    () => connection.comments++,
  );
  connection.ended = readLines(response.body!, parse);
  return connection;
}
