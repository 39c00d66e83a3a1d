import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FINISHED_IMPORT_STATUSES, type ImportItemView, type ImportStatus, type ImportView } from '@darkroom/core/contract/import';
import { expect } from 'vitest';
import type { TestApi } from './client.js';
import { createTestTenant, type TestTenant } from './fixtures.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';
import { waitFor } from './services.js';

/** Imports as a platform drives them (docs/api.md#imports-tenant-api-key), and the servers they read from. */

/** `POST /v1/imports`, which must be taken: the import as its `202` shows it. */
export async function startImport(client: TestApi, body: Record<string, unknown>): Promise<ImportView> {
  const res = await client.raw('POST', '/v1/imports', body);
  expect(res.status, JSON.stringify(res.body).slice(0, 2000)).toBe(202);
  return res.body.import;
}

/** Polls the import until its status is one of `statuses` (by default, any it ends in); returns it. */
export async function waitForImport(
  client: TestApi,
  id: string,
  statuses: readonly ImportStatus[] = FINISHED_IMPORT_STATUSES,
  timeoutMs = 60_000,
): Promise<ImportView> {
  return waitFor(
    `import ${id} to be ${statuses.join(' or ')}`,
    async () => {
      const res = await client.raw('GET', `/v1/imports/${id}`);
      if (res.status !== 200) throw new Error(`get import: ${res.status} ${JSON.stringify(res.body)}`);
      return statuses.includes(res.body.import.status) ? (res.body.import as ImportView) : null;
    },
    timeoutMs,
    100,
  );
}

/** Starts an import and waits for its end. */
export async function runImport(client: TestApi, body: Record<string, unknown>, timeoutMs?: number): Promise<ImportView> {
  const started = await startImport(client, body);
  return waitForImport(client, started.id, undefined, timeoutMs);
}

/** Every item of an import (of one status, when given), following `nextCursor` page by page. */
export async function importItemsOf(client: TestApi, id: string, options: { status?: string; limit?: number } = {}): Promise<ImportItemView[]> {
  const items: ImportItemView[] = [];
  let cursor = '';
  for (;;) {
    const query = new URLSearchParams({ limit: String(options.limit ?? 100), ...(options.status ? { status: options.status } : {}) });
    if (cursor) query.set('cursor', cursor);
    const res = await client.raw('GET', `/v1/imports/${id}/items?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    if (res.body.nextCursor === null) return items;
    expect(res.body.nextCursor, 'a cursor that does not move').not.toBe(cursor);
    cursor = res.body.nextCursor;
  }
}

/** A request a file server got. */
export interface SeenRequest {
  method: string;
  /** The path and query, as sent. */
  url: string;
  path: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A platform's old server on a loopback port: each path a behaviour, every request recorded. */
export interface FileServer {
  /** `http://127.0.0.1:port` */
  base: string;
  url(path: string): string;
  requests: SeenRequest[];
  /** Requests for `path` (without its query). */
  hits(path: string, method?: string): number;
  routes: Map<string, Route>;
  close(): Promise<void>;
}

/** Answers `bytes` with their Content-Length (a HEAD gets the head alone). */
export const serve =
  (bytes: Buffer, headers: Record<string, string | number> = {}): Route =>
  (req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length, ...headers });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  };

/** Starts a file server on 127.0.0.1 (or `host`): a path without a route answers 404. */
export async function startFileServer(routes: Record<string, Route> = {}, host = '127.0.0.1'): Promise<FileServer> {
  const table = new Map(Object.entries(routes));
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    requests.push({ method: req.method!, url: req.url!, path, at: Date.now() });
    const route = table.get(path);
    if (route) route(req, res);
    else res.writeHead(404).end('no such file');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    base,
    url: (path) => `${base}${path}`,
    requests,
    hits: (path, method) => requests.filter((r) => r.path === path && (!method || r.method === method)).length,
    routes: table,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What a file of import tests runs against: a harness running the tenant's imports, and a file server. */
export interface ImportSetup {
  harness: Harness;
  tenant: TestTenant;
  server: FileServer;
  close(): Promise<void>;
}

/**
 * A harness (with IMPORT_ALLOW_PRIVATE, so its imports reach the loopback file server, and `options.env`
 * over it), a tenant whose imports it runs, and a file server of `routes`.
 */
export async function startImportSetup(name: string, routes: Record<string, Route>, options: HarnessOptions = {}): Promise<ImportSetup> {
  const harness = await startHarness({ ...options, env: { IMPORT_ALLOW_PRIVATE: 'true', ...options.env } });
  const tenant = await createTestTenant(harness, name);
  harness.runImportsOf(tenant.tenantId);
  const server = await startFileServer(routes);
  return {
    harness,
    tenant,
    server,
    async close() {
      await server.close();
      await harness.close();
    },
  };
}
