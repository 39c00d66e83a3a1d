import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { bareHost, guardedLookup, type AddressPolicy, type Resolver } from '@darkroom/core/webhook-guard';
import { DarkroomError } from '@darkroom/core/errors';
import { ERRORS } from '@darkroom/core/error-factories';

/**
 * One request of a URL import, to a server a tenant named: the SSRF guard of webhooks on every
 * connection (docs/api.md, imports: "URL sources are hostile"), a time limit on connecting and on
 * silence, and every failure as the DarkroomError an item records, naming neither the URL (its query
 * may hold a signature) nor an address it resolved to.
 */

export interface HopOptions {
  method: 'GET' | 'HEAD';
  /** From the request's start to a connected socket: the lookup, then TCP. */
  connectTimeoutMs: number;
  /** Once connected, the longest silence before the answer's head has come. */
  idleTimeoutMs: number;
  /** Which addresses may be connected to: the public ones, any with IMPORT_ALLOW_PRIVATE. */
  isAllowed: AddressPolicy;
  /** How host names resolve (tests stub it); the system resolver otherwise. */
  resolve: Resolver | undefined;
  /** Aborted by the caller or the import's total time limit: the request ends with its reason. */
  stop: AbortSignal;
}

export interface Hop {
  request: ClientRequest;
  response: IncomingMessage;
  /**
   * The request's error once the head had come, kept for the body's reader: the parser may refuse
   * bytes past the body in the very read that brought the head, before anyone reads the body.
   */
  errorAfterHead: NodeJS.ErrnoException | null;
}

const FETCHED_SCHEMES = ['http:', 'https:'];

/** Asks for the bytes as stored: a compressed answer would be checked and kept compressed. */
const REQUEST_HEADERS = { 'user-agent': 'Darkroom-Import/1', accept: '*/*', 'accept-encoding': 'identity' };

/** A time limit as a reason writes it. */
export const inSeconds = (ms: number): string => `${ms / 1000} s`;

/** What a person reads for a failed connection, by Node's error code. */
const CONNECTION_REASONS: Record<string, string> = {
  ECONNREFUSED: 'the server refused the connection',
  ECONNRESET: 'the server closed the connection',
  EPIPE: 'the server closed the connection',
  ENOTFOUND: "the server's host name does not resolve",
  EAI_AGAIN: "the server's host name does not resolve",
  EAI_NODATA: "the server's host name does not resolve",
  EHOSTUNREACH: "the server's host is unreachable",
  ENETUNREACH: "the server's host is unreachable",
  ETIMEDOUT: 'the connection timed out',
};

function connectionReason(code: string): string {
  const known = CONNECTION_REASONS[code];
  if (known) return known;
  if (code.startsWith('HPE_')) return "the server's answer is not valid HTTP";
  if (/CERT|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) return "the server's TLS certificate is not valid for its host name";
  if (/SSL|TLS|EPROTO/.test(code)) return 'the TLS handshake with the server failed';
  return `the request failed (${code})`;
}

/**
 * A failure of the connection or of HTTP as an item's error. `what` names the URL for a refused
 * address: the one given, or a redirect from it.
 */
/** Why a server's answer failed an item, in words: the status it answered. */
export const answeredStatus = (status: number) => `the server answered HTTP ${status}`;

export function connectionFailure(error: NodeJS.ErrnoException, what: string): DarkroomError {
  if (error instanceof DarkroomError) return error;
  if (error.code === 'EWEBHOOKADDRESS') return ERRORS.blockedAddress(what);
  return ERRORS.sourceUnreachable('url', connectionReason(error.code ?? error.name));
}

/**
 * The connect and silence limits of one request. The silence limit is the socket's and is lifted when
 * the head comes: a body paused while its reader is busy is silent without the server's fault.
 */
function watchConnection(request: ClientRequest, options: HopOptions): () => void {
  const fail = (reason: string) => request.destroy(ERRORS.sourceUnreachable('url', reason));
  const connecting = setTimeout(() => fail(`no connection within ${inSeconds(options.connectTimeoutMs)}`), options.connectTimeoutMs);
  const onSilence = () => fail(`nothing received for ${inSeconds(options.idleTimeoutMs)}`);
  let connection: Socket | undefined;
  request.once('socket', (socket) => {
    connection = socket;
    const connected = () => {
      clearTimeout(connecting);
      socket.setTimeout(options.idleTimeoutMs, onSilence);
    };
    if (socket.connecting) socket.once('connect', connected);
    else connected();
  });
  return () => {
    clearTimeout(connecting);
    connection?.setTimeout(0);
    connection?.off('timeout', onSilence);
  };
}

/**
 * Sends one request and resolves with the answer's head. Refused before anything is sent: a scheme
 * other than http and https, and a literal address the policy refuses (Node connects to one without
 * a lookup). A host name is resolved once, by the guard's lookup on the connection itself, which
 * checks every address and hands the connection only those.
 */
export function requestOnce(url: URL, options: HopOptions, what: string): Promise<Hop> {
  if (!FETCHED_SCHEMES.includes(url.protocol)) return Promise.reject(ERRORS.schemeNotFetched(url.protocol));
  const host = bareHost(url);
  if (isIP(host) && !options.isAllowed(host)) return Promise.reject(ERRORS.blockedAddress(what));
  if (options.stop.aborted) return Promise.reject(options.stop.reason);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: options.method,
      headers: REQUEST_HEADERS,
      // A connection of its own: nothing checked for one source is reused for another.
      agent: false,
      lookup: guardedLookup(options.resolve, options.isAllowed),
    });
    const unwatch = watchConnection(request, options);
    const onStop = () => request.destroy(options.stop.reason);
    options.stop.addEventListener('abort', onStop, { once: true });
    const settle = () => {
      unwatch();
      options.stop.removeEventListener('abort', onStop);
    };
    let hop: Hop | undefined;
    // Stays attached once the head has come, so no later error goes unhandled.
    request.on('error', (error) => {
      settle();
      if (hop) hop.errorAfterHead ??= error;
      else reject(options.stop.aborted ? options.stop.reason : connectionFailure(error, what));
    });
    // A 101 reaches neither 'response' nor 'error', and destroying the request then ends nothing:
    // unheard, the item would wait for good, holding its import slot.
    request.once('upgrade', (response, socket) => {
      settle();
      socket.destroy();
      reject(ERRORS.sourceUnreachable('url', answeredStatus(response.statusCode ?? 101)));
    });
    request.once('response', (response) => {
      settle();
      hop = { request, response, errorAfterHead: null };
      resolve(hop);
    });
    request.end();
  });
}

/** Lets a request go without reading what is left of its answer. */
export function discard(hop: Hop): void {
  hop.response.destroy();
  hop.request.destroy();
}
