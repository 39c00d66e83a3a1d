import { pino, type Logger } from 'pino';

/**
 * The API's logger: asynchronous writes (a 4 KiB buffer flushed off the request path) instead of
 * one blocking write per line; the API bench measures the difference (README, Performance).
 * Bearer tokens and admin session cookies never reach a line. Call `flushLogs` before exiting.
 */
export function createApiLogger(level: string): Logger {
  return pino(
    { level, base: { app: 'api' }, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    pino.destination({ sync: false, minLength: 4096 }),
  );
}

export function flushLogs(log: Logger): void {
  log.flush();
}
