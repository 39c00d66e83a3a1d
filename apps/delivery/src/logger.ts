import { maskPrivateLinks } from '@darkroom/core/mask-private-links';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The delivery server's logger. Lines gather in a 4 KiB buffer written with one blocking write, as
 * the API's (apps/api/src/logger.ts): a write per request line would cost a stored image's answer
 * more than the answer itself; `flush` writes what is buffered. Every line passes maskPrivateLinks
 * as it is written: a private link is a bearer credential until its `exp`, and besides the request
 * line (which masks its own) Fastify's warnings, an error's message or stack may name the URL.
 */
export function createDeliveryLogger(level: string, destination: DestinationStream = pino.destination({ sync: true, minLength: 4096 })): Logger {
  return pino({ level, base: { app: 'delivery' }, hooks: { streamWrite: maskPrivateLinks } }, destination);
}
