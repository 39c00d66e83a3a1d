import { AsyncLocalStorage } from 'node:async_hooks';
import { type ClientRequest, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** What one try's request did on the wire, as its agent saw it. */
interface TryOnTheWire {
  /** Its socket had connected (at once, when reused). */
  connected: boolean;
  /** It went out on a pooled keep-alive socket. */
  reused: boolean;
  /** The server's answer began. */
  answered: boolean;
}

const currentTry = new AsyncLocalStorage<TryOnTheWire>();

/** How a socket ends when the server had closed it first: the request met a closed connection. */
const CLOSED_UNDER_IT = new Set(['ECONNRESET', 'EPIPE']);

/**
 * Whether a failed try's request can have reached the server. Not when its socket never connected
 * (refused, unresolved, timed out connecting or in its TLS handshake, or still queued for a socket),
 * nor when it went out on a reused socket that was reset before any answer: that is the keep-alive
 * race, a server closing an idle connection as the client writes to it (or while the client's loop
 * was held), and the server drops such a request unread. Node's own advice is to retry it
 * (`request.reusedSocket`).
 */
function reachedTheServer(wire: TryOnTheWire, error: unknown): boolean {
  if (wire.answered) return true;
  if (!wire.connected) return false;
  return !(wire.reused && CLOSED_UNDER_IT.has((error as { code?: string }).code ?? ''));
}

/**
 * Runs one try of a request and tells the observer of it once it has ended, answered or failed,
 * unless it never reached the server. Told after, not before: a process killed while a request is
 * in flight may leave it uncounted, but never counts one the bucket did not see (its counts are
 * spooled as they are told, and replayed after the kill). The try's request must go through one of
 * `createAgents`' agents, which watch it on the wire.
 */
export async function observedTry<T>(tell: () => void, attempt: () => Promise<T>): Promise<T> {
  const wire: TryOnTheWire = { connected: false, reused: false, answered: false };
  try {
    const answer = await currentTry.run(wire, attempt);
    tell();
    return answer;
  } catch (err) {
    if (reachedTheServer(wire, err)) tell();
    throw err;
  }
}

/** Records on the try under way (if any) what its request does on the wire. */
function watch(req: ClientRequest): void {
  const wire = currentTry.getStore();
  if (!wire) return;
  req.once('socket', (socket) => {
    wire.reused = req.reusedSocket;
    if (!socket.connecting) wire.connected = true;
    // Over TLS nothing of the request is sent before the handshake ends.
    else socket.once((socket as TLSSocket).encrypted ? 'secureConnect' : 'connect', () => (wire.connected = true));
  });
  req.once('response', () => (wire.answered = true));
}

// `addRequest` is where an agent takes each request (public in Node, absent from its types).
type AddRequest = (req: ClientRequest, options: object) => void;
const httpAddRequest = (HttpAgent.prototype as unknown as { addRequest: AddRequest }).addRequest;
const httpsAddRequest = (HttpsAgent.prototype as unknown as { addRequest: AddRequest }).addRequest;

/** An agent whose requests are watched on the wire for the try that sends them. */
class WatchingHttpAgent extends HttpAgent {
  addRequest(req: ClientRequest, options: object): void {
    watch(req);
    httpAddRequest.call(this, req, options);
  }
}

class WatchingHttpsAgent extends HttpsAgent {
  addRequest(req: ClientRequest, options: object): void {
    watch(req);
    httpsAddRequest.call(this, req, options);
  }
}

/** Sockets to one server at once, per agent (the SDK's and the direct requests' pools alike). */
const MAX_SOCKETS = 64;

/**
 * Keep-alive agents for every request to the bucket, the SDK's and the direct ones: they connect
 * through `lookup` (the system's DNS when undefined) and tell `observedTry` what reached the server.
 */
export function createAgents(lookup: LookupFunction | undefined) {
  const options = { keepAlive: true, maxSockets: MAX_SOCKETS, ...(lookup ? { lookup } : {}) };
  return { httpAgent: new WatchingHttpAgent(options), httpsAgent: new WatchingHttpsAgent(options) };
}
