import type { ServerResponse } from 'node:http';
import type { UsageCounters } from '@darkroom/usage';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Whom this answer is metered to (`delivery_*`): the asset's tenant once known; null, the deployment. */
    usageTenant: string | null;
  }
}

/** The answers metered: images and private links, whatever their status (never health checks or metrics). */
const metered = (url: string) => url.startsWith('/img/') || url.startsWith('/p/');

/** The bytes of a response's head as it went out (Node keeps it whole: latin-1, a byte a character). */
const headBytes = (res: ServerResponse) => (res as ServerResponse & { _header?: string | null })._header?.length ?? 0;

/**
 * `delivery_requests` and `delivery_bytes`: one request per answer of `/img/` and `/p/`, and the body
 * bytes the connection took once the response closed (finished, or cut off by the client: then what
 * was written before), counted from the socket's own total so that no body is wrapped. Into the
 * process's counters: a map lookup a request, flushed every USAGE_FLUSH_SECONDS.
 */
export function meterDeliveries(app: FastifyInstance, counters: UsageCounters): void {
  app.decorateRequest('usageTenant', null);
  app.addHook('onRequest', (request, reply, done) => {
    if (metered(request.url)) {
      const { socket } = request.raw;
      const before = socket.bytesWritten;
      reply.raw.once('close', () => count(counters, request, socket.bytesWritten - before - headBytes(reply.raw)));
    }
    done();
  });
}

function count(counters: UsageCounters, request: FastifyRequest, bodyBytes: number): void {
  counters.add(request.usageTenant, 'delivery_requests', 1);
  if (bodyBytes > 0) counters.add(request.usageTenant, 'delivery_bytes', bodyBytes);
}
