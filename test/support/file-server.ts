import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture } from './images.js';

/** A file the server answers with: the fixture, after `delayMs`; or `hold`: a request it never answers. */
export type ServedFile = { fixture: string; delayMs?: number } | 'hold';

export interface FileServer {
  /** `http://127.0.0.1:<port>`, on loopback: an import reaches it only with IMPORT_ALLOW_PRIVATE. */
  base: string;
  /** The paths asked for, decoded, in order (query strings dropped). */
  requests: string[];
  close(): Promise<void>;
}

/** A local HTTP server of a few files for URL imports; any other path is a 404. */
export async function startFileServer(files: Record<string, ServedFile>): Promise<FileServer> {
  const bodies = new Map<string, Buffer>();
  for (const [path, served] of Object.entries(files)) if (served !== 'hold') bodies.set(path, await readFile(fixture(served.fixture)));
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    requests.push(path);
    const served = files[path];
    if (served === 'hold') return;
    const body = bodies.get(path);
    if (!served || !body) return res.writeHead(404).end();
    setTimeout(
      () => res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body),
      served.delayMs ?? 0,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
