import type { IncomingMessage } from 'node:http';
import { startPassThrough, type PassThrough } from './s3-counter.js';

/** What the proxy does with one request: forward it, or answer a status (a 5xx) itself. */
export type Fault = { kind: 'pass' } | { kind: 'status'; status: number };

export type FaultProxy = PassThrough;

/**
 * An S3 server's stand-in on loopback (`startPassThrough`) that forwards to `target` and answers a
 * status of its own for the requests `choose` picks: for tests that must not stop the shared server.
 */
export function startFaultProxy(target: string, choose: (req: IncomingMessage) => Fault): Promise<FaultProxy> {
  return startPassThrough(target, (req) => {
    const fault = choose(req);
    return fault.kind === 'status' ? fault.status : undefined;
  });
}
