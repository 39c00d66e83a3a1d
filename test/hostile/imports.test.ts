import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ImportView } from '@darkroom/core/contract/import';
import { assets } from '@darkroom/db/schema';
import { imports } from '@darkroom/db/import-schema';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingInternal } from '../support/hostile.js';
import { importItemsOf, runImport, waitForImport } from '../support/imports.js';
import { waitFor } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * Imports name servers a tenant chose: without IMPORT_ALLOW_PRIVATE (production), no import reaches a
 * loopback, private, link-local or metadata address, however it is written, by a URL item or a bucket
 * source's endpoint, and no credential a tenant gives comes back in any answer, event or log line
 * (docs/api.md#imports-tenant-api-key). A redirect to such an address, and a name whose second lookup
 * would differ, are covered where a resolver can be stubbed: packages/intake/src/imports/sources/url/fetch.test.ts
 * and sources/bucket/client.int.test.ts.
 */
const logLines: string[] = [];
const harness = setupHarness({ withWorker: false, logLines, env: { IMPORT_RETRY_SCHEDULE: '100ms', IMPORT_CONNECT_TIMEOUT: '2s' } });
const tenant = setupTenant(harness, 'hostile-imports');
/** TCP listeners on loopback addresses: a connection to one means a request got past the guard. */
const listeners: { server: Server; port: number; connections: number }[] = [];

async function countingListener(host: string) {
  const entry = {
    server: createServer((socket) => {
      entry.connections++;
      socket.destroy();
    }),
    port: 0,
    connections: 0,
  };
  await new Promise<void>((resolve) => entry.server.listen(0, host, resolve));
  entry.port = (entry.server.address() as AddressInfo).port;
  listeners.push(entry);
  return entry;
}
const connections = () => listeners.reduce((sum, l) => sum + l.connections, 0);

beforeAll(async () => {
  expect(harness.workerDeps.config.imports.allowPrivate).toBe(false);
  harness.runImportsOf(tenant.tenantId);
});
afterAll(async () => {
  for (const { server } of listeners) await new Promise((resolve) => server.close(resolve));
});

const tenantAssets = async () =>
  (await harness.api.db.select({ n: sql<number>`count(*)::int` }).from(assets).where(eq(assets.tenantId, tenant.tenantId)))[0]!.n;

describe('URL items to addresses an import may not reach', () => {
  it('fail blocked_address, by a literal in any notation or a name that resolves there, none connected to, none tried again', async () => {
    const local = await countingListener('127.0.0.1');
    const p = local.port;
    const loopback = [
      `127.0.0.1:${p}`,
      `127.1:${p}`,
      `2130706433:${p}`,
      `0177.0.0.1:${p}`,
      `0x7f000001:${p}`,
      `0x7f.0.0.1:${p}`,
      `[::1]:${p}`,
      `[::ffff:127.0.0.1]:${p}`,
      `[::ffff:7f00:1]:${p}`,
      `0.0.0.0:${p}`,
      `[::]:${p}`,
      `localhost:${p}`,
      `LOCALHOST:${p}`,
    ];
    const others = ['10.0.0.1', '10.255.255.254', '172.16.0.1', '172.31.255.254', '192.168.0.1', '192.168.255.254'];
    const linkLocal = ['169.254.0.1', '169.254.169.254', '[::ffff:a9fe:a9fe]', '[fe80::1]', '[fd00::1]', '100.64.0.1', '224.0.0.1', '012.0.0.1'];
    const hosts = [...loopback, ...others, ...linkLocal];
    const items = hosts.map((host) => ({ url: `http://${host}/latest/meta-data/a.jpg?X-Amz-Signature=sig-${host.length}-secret` }));
    const started = Date.now();
    const done = await runImport(tenant.client, { source: { type: 'urls', items } });
    expect(done).toMatchObject({ status: 'done', counts: { found: hosts.length, imported: 0, failed: hosts.length } });
    const failed = await importItemsOf(tenant.client, done.id);
    expect(failed.map((i) => i.error?.code)).toEqual(hosts.map(() => 'blocked_address'));
    for (const item of failed) {
      expect(item.error!.message).not.toMatch(/127\.|10\.0|172\.|192\.168|169\.254|::1|fe80|fd00|localhost/i);
      expect(item.source).not.toContain('secret');
    }
    expect(connections()).toBe(0);
    // Refused before connecting: no connect time limit waited out (two tries of any would take seconds).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await tenantAssets()).toBe(0);
  });
});

describe('a bucket source whose endpoint is or resolves to such an address', () => {
  it('fails the import blocked_address before any request carries its keys there', async () => {
    const second = await countingListener('127.0.0.2');
    const local = listeners[0] ?? (await countingListener('127.0.0.1'));
    const endpoints = [
      `http://127.0.0.2:${second.port}`,
      `http://2130706434:${second.port}`,
      `http://localhost:${local.port}`,
      `http://[::ffff:127.0.0.2]:${second.port}`,
      'http://169.254.169.254',
      'http://10.1.2.3:9000',
      'http://[fd00::1]:9000',
      // The deployment's own server under another name: its buckets through an alias.
      harness.api.config.storage.endpoint.replace('127.0.0.1', 'localhost'),
    ];
    for (const endpoint of endpoints) {
      const secretAccessKey = `hostile-${randomBytes(12).toString('hex')}`;
      const alias = endpoint.includes(':7480');
      const bucket = alias ? harness.api.config.storage.bucket : 'their-library';
      const body = { source: { type: 'bucket', endpoint, region: 'us-east-1', bucket, accessKeyId: 'AKIAHOSTILE', secretAccessKey } };
      const started = await tenant.client.raw('POST', '/v1/imports', body);
      if (alias) {
        // Named as another server at the call; found to be the deployment's own by its address at the run.
        expect(started.status).toBe(202);
      }
      if (started.status !== 202) continue;
      const ended = await waitForImport(tenant.client, started.body.import.id);
      expect([ended.status, ended.error?.code], endpoint).toEqual(['failed', 'blocked_address']);
      expect(JSON.stringify(ended)).not.toContain(secretAccessKey);
    }
    expect(connections()).toBe(0);
    expect(await tenantAssets()).toBe(0);
  });
});

describe('credentials that are wrong', () => {
  it('fail the import source_forbidden, and the secret is in no answer, event, item or log line, and gone from the database', async () => {
    const secretAccessKey = `wrong-${randomBytes(16).toString('hex')}`;
    const source = { type: 'bucket', region: 'us-east-1', bucket: 'darkroom-hostile-theirs', accessKeyId: 'AKIAWRONGKEY0000', secretAccessKey };
    const started = await tenant.client.raw('POST', '/v1/imports', { source, metadata: { note: 'wrong keys' } });
    expect(started.status).toBe(202);
    const id = started.body.import.id as string;
    const ended = await waitForImport(tenant.client, id);
    expect([ended.status, ended.error?.code]).toEqual(['failed', 'source_forbidden']);
    expect(ended.error!.message).toMatch(/refused these credentials/);

    const events = await waitFor('import.failed on the feed', async () => {
      const feed = await tenant.client.events({ type: 'import.failed' });
      return feed.filter((e) => (e.data as any).import.id === id).length > 0 && feed.filter((e) => (e.data as any).import.id === id);
    });
    const listed = (await tenant.client.raw('GET', '/v1/imports')).body.items.find((i: ImportView) => i.id === id);
    const answers = [started.body, ended, listed, (await tenant.client.raw('GET', `/v1/imports/${id}/items`)).body, events];
    for (const answer of answers) {
      expect(JSON.stringify(answer)).not.toContain(secretAccessKey);
      expectNothingInternal(harness, answer);
    }
    // The harness's logs, every level, for the whole file: the secret never reached one.
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(secretAccessKey))).toEqual([]);
    // Deleted with the import's end, as the sealed copy of it was the only one.
    const [row] = await harness.api.db.select({ sealed: imports.credentialsSealed }).from(imports).where(eq(imports.id, id));
    expect(row!.sealed).toBeNull();
  });
});
