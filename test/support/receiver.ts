import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { waitFor } from './services.js';

/** One request a receiver got, and what it answered. */
export interface Receipt {
  webhookId: string;
  timestamp: string;
  signature: string;
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
  answered: number | 'hang';
}

/** What the receiver answers a request: a status, or `hang` (never answers). */
export type Answer = (receipt: Omit<Receipt, 'answered'>, index: number) => number | 'hang';

/**
 * A platform's webhook receiver on a loopback port, as a real HTTP server: it records every request
 * and answers as `answer` says. `stop()` closes the port (connections refused); `start()` reopens
 * it on the same port.
 */
export class Receiver {
  readonly receipts: Receipt[] = [];
  answer: Answer = () => 204;
  private server: Server | null = null;
  private hanging: ServerResponse[] = [];
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const h = req.headers;
        const seen = {
          webhookId: String(h['webhook-id']),
          timestamp: String(h['webhook-timestamp']),
          signature: String(h['webhook-signature']),
          headers: h,
          body: Buffer.concat(chunks).toString('utf8'),
          path: req.url ?? '',
        };
        const answered = this.answer(seen, this.receipts.length);
        this.receipts.push({ ...seen, answered });
        if (answered === 'hang') this.hanging.push(res);
        else res.writeHead(answered, answered >= 300 && answered < 400 ? { location: '/elsewhere' } : {}).end('thanks');
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Closes the port and drops every connection (hanging ones too). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.hanging = [];
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Requests now hanging unanswered. */
  get hangingCount(): number {
    return this.hanging.filter((res) => !res.destroyed && !res.writableEnded).length;
  }

  /** Receipts answered 2xx, by event (webhook-id). */
  delivered(): Receipt[] {
    return this.receipts.filter((r) => typeof r.answered === 'number' && r.answered >= 200 && r.answered < 300);
  }

  /** Waits until `probe` of the receipts holds. */
  async until<T>(what: string, probe: (receipts: Receipt[]) => T | undefined | null | false, timeoutMs = 90_000): Promise<T> {
    return waitFor(what, async () => probe(this.receipts), timeoutMs, 100);
  }
}

export async function startReceiver(answer?: Answer): Promise<Receiver> {
  const receiver = new Receiver();
  if (answer) receiver.answer = answer;
  return receiver.start();
}

/** Verifies a receipt as a platform would, with the `standardwebhooks` package as is; returns the payload. */
export function verifyReceipt(secret: string, receipt: Receipt): any {
  return new Webhook(secret).verify(receipt.body, {
    'webhook-id': receipt.webhookId,
    'webhook-timestamp': receipt.timestamp,
    'webhook-signature': receipt.signature,
  });
}
