import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server of files for URL imports, whose answers can be held at a gate: an import stopped mid-file on cue. */
export interface GatedFiles {
  /** Serves `bodies` under `/{set}/{n}.jpg`; their URLs, in order. */
  add(set: string, bodies: Buffer[]): string[];
  /** Requests from now on wait, unanswered, until `release`. */
  hold(): void;
  release(): void;
  /** Requests waiting at the gate now. */
  held(): number;
  stop(): Promise<void>;
}

export async function startGatedFiles(): Promise<GatedFiles> {
  const files = new Map<string, Buffer>();
  let gate: { opened: Promise<void>; open(): void } | null = null;
  let waiting = 0;
  const server = createServer(async (req, res) => {
    // A client killed while held leaves a socket that is gone by the time the gate opens.
    res.on('error', () => {});
    while (gate) {
      waiting++;
      await gate.opened.finally(() => waiting--);
    }
    const body = files.get(new URL(req.url!, 'http://files').pathname);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gated: GatedFiles = {
    add(set, bodies) {
      return bodies.map((body, n) => {
        const path = `/${set}/${String(n).padStart(5, '0')}.jpg`;
        files.set(path, body);
        return `${base}${path}`;
      });
    },
    hold() {
      if (gate) return;
      let open = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { opened, open };
    },
    release() {
      const was = gate;
      gate = null;
      was?.open();
    },
    held: () => waiting,
    async stop() {
      gated.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return gated;
}
