import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request: forward it, answer a status itself, or cut the answer's body off after some bytes. */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number }
  | { kind: 'cut'; afterBytes: number }
  | { kind: 'stall'; afterBytes: number };

export interface FaultProxy {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * An S3 server's stand-in on loopback that forwards to `target` and answers a status of its own
 * (a 5xx) for the requests `choose` picks: for tests that must not stop the shared server.
 */
export async function startFaultProxy(target: string, choose: (req: IncomingMessage) => Fault): Promise<FaultProxy> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const fault = choose(req);
    if (fault.kind === 'status') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>InternalError</Code><Message>injected</Message></Error>');
      return;
    }
    const forwarded = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
