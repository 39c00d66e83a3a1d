import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { translateS3Error } from './errors.js';
import type { Presigner } from './presigner.js';
import type { ObjectHead, ObjectLocation } from './types.js';

export interface HeadOptions {
  /** Total tries, the first included; only transient failures (5xx, throttling, sockets) are tried again. */
  maxAttempts: number;
  connectionTimeoutMs: number;
  socketTimeoutMs: number;
}

/** A signed URL lives this long: long enough for the one request, short enough to be worthless in a log. */
const URL_SECONDS = 60;
const META = 'x-amz-meta-';
const BACKOFF_MS = 100;

/** What a HEAD's answer says of the object, as the SDK would read it (metadata names lower-case, without their prefix). */
function headOf(headers: IncomingHttpHeaders): ObjectHead {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(META) && typeof value === 'string') metadata[name.slice(META.length)] = value;
  }
  const modified = headers['last-modified'];
  return {
    size: Number(headers['content-length'] ?? 0),
    contentType: headers['content-type'],
    etag: typeof headers.etag === 'string' ? headers.etag : undefined,
    lastModified: modified ? new Date(modified) : undefined,
    metadata,
  };
}

/** The shape translateS3Error reads from the SDK's errors: a status, and the socket error's code when there is one. */
const statusError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { $metadata: { httpStatusCode: status } });

/**
 * HeadObject as one signed HTTP request (a presigned URL, header-free) on a keep-alive pool of its
 * own: the SDK's middleware stack cost about five times the CPU of the request itself, which bounded
 * how many objects `npm run recover` could look at a second (docs/performance.md#recover).
 * Transient failures are tried again with backoff, as the SDK's standard retry does.
 */
export function createHead(endpoint: string, presigner: Pick<Presigner, 'presignHead'>, options: HeadOptions) {
  const tls = new URL(endpoint).protocol === 'https:';
  const agent = tls ? new HttpsAgent({ keepAlive: true, maxSockets: 64 }) : new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const send = tls ? httpsRequest : httpRequest;

  function once(location: ObjectLocation): Promise<ObjectHead> {
    const url = presigner.presignHead({ ...location, expiresInSeconds: URL_SECONDS });
    return new Promise((resolve, reject) => {
      const req = send(url, { method: 'HEAD', agent, timeout: options.socketTimeoutMs }, (res: IncomingMessage) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(headOf(res.headers));
        else reject(statusError(status));
      });
      const connecting = setTimeout(
        () => req.destroy(Object.assign(new Error('connection timed out'), { code: 'ETIMEDOUT' })),
        options.connectionTimeoutMs,
      );
      req.once('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connecting);
        else socket.once('connect', () => clearTimeout(connecting));
      });
      req.once('close', () => clearTimeout(connecting));
      req.on('timeout', () => req.destroy(Object.assign(new Error('socket timed out'), { code: 'ESOCKETTIMEDOUT' })));
      req.on('error', reject);
      req.end();
    });
  }

  return async function headObject(location: ObjectLocation): Promise<ObjectHead> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(location);
      } catch (err) {
        const error = translateS3Error(err, { operation: 'headObject', ...location });
        if (!error.retryable || attempt >= options.maxAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * BACKOFF_MS * 2 ** attempt));
      }
    }
  };
}
