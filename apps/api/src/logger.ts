import { maskPrivateLinks } from '@darkroom/core/mask-private-links';
import { pino, type Logger } from 'pino';

/**
 * The API's logger: lines gather in a 4 KiB buffer, written with one blocking write when it fills
 * (about every 20 request lines), instead of one write per line. Blocking, not asynchronous: an
 * asynchronous write goes through libuv's thread pool, which cost the API more CPU per request
 * than the blocking write does (docs/design/api.md#request-log-lines-written-in-blocks). Node
 * writes stdout to a pipe blocking too.
 * Bearer tokens and admin session cookies never reach a line, nor a private link's signature (a
 * `/p/` URL sent to the API by mistake is logged as any unknown path is). `flushLogs` writes what is
 * buffered; call it before exiting.
 */
export function createApiLogger(level: string): Logger {
  const log = pino(
    { level, base: { app: 'api' }, redact: ['req.headers.authorization', 'req.headers.cookie'], hooks: { streamWrite: maskPrivateLinks } },
    pino.destination({ sync: true, minLength: 4096 }),
  );
  // When traffic is light, a line still reaches the log within a second.
  setInterval(() => log.flush(), FLUSH_EVERY_MS).unref();
  return log;
}

const FLUSH_EVERY_MS = 1000;

/** Writes the buffered lines now (synchronously, so it also works in an `exit` handler). */
export function flushLogs(log: Logger): void {
  log.flush();
}
