import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** One Server-Sent Events message: `id` is left out where a message has none (the snapshot). */
export interface SseMessage {
  id?: string;
  event: string;
  data: unknown;
}

export interface EventStream {
  /** Resolves once the message is written, waiting while the client reads slowly. */
  send(message: SseMessage): Promise<void>;
  /** Writes the message only if the client keeps up (nothing is waiting to drain); a dropped one returns false. */
  offer(message: SseMessage): boolean;
  end(): void;
  onClose(listener: () => void): void;
}

/** `data:` is JSON on one line (JSON.stringify escapes every line break), so one message is one `data:` line. */
function formatSseMessage({ id, event, data }: SseMessage): string {
  return `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Takes the response over from Fastify and opens a `text/event-stream` on it, with a comment line
 * every `heartbeatMs`. Call it only once nothing can fail any more: errors before it are answered
 * in the usual JSON shape, and nothing after it can be.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, options: { heartbeatMs: number }): EventStream {
  const res = reply.raw;
  const closeListeners: (() => void)[] = [];
  let closed = false;
  reply.hijack();
  // The stream is quiet between events by design: CONNECTION_TIMEOUT (socket inactivity) must not
  // cut it. The heartbeat keeps proxies from doing so, and a dead client surfaces as a failed write.
  request.raw.socket?.setTimeout(0);
  res.writeHead(200, {
    // The RateLimit-* headers requireTenant set on the reply go out with the stream too.
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    // The socket goes with the stream: otherwise an ended stream would leave an idle keep-alive
    // connection that a shutting-down server has to wait out.
    connection: 'close',
  });
  res.flushHeaders();
  const heartbeat = setInterval(() => {
    // Behind data the client has not taken, a heartbeat keeps nothing alive: it would only grow
    // the buffer of a client that never reads, for as long as the connection lasts.
    if (!closed && !res.writableNeedDrain) res.write(': heartbeat\n\n');
  }, options.heartbeatMs);
  const onClose = () => {
    closed = true;
    clearInterval(heartbeat);
    for (const listener of closeListeners) listener();
  };
  // A client that hung up while the stream was being set up (its subscription, its snapshot) has
  // already had its 'close': waiting for another would hold its stream slot for good.
  if (res.closed || res.destroyed) onClose();
  else res.once('close', onClose);

  return {
    async send(message) {
      if (closed || res.write(formatSseMessage(message))) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    },
    offer(message) {
      if (closed || res.writableNeedDrain) return false;
      res.write(formatSseMessage(message));
      return true;
    },
    end() {
      if (!closed) res.end();
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
  };
}
