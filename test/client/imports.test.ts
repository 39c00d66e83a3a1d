import { DarkroomClient as Client, type Import } from '@darkroom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../support/file-server.js';
import { setupHarness } from '../support/setup-harness.js';

const harness = setupHarness({ withWorker: false, env: { IMPORT_ALLOW_PRIVATE: 'true' } });
let apiKey: string;
let server: FileServer;

beforeAll(async () => {
  // Imports are followed to their end, not their assets' processing: no worker.
  const tenant = await harness.admin.createTenant('client-imports');
  apiKey = tenant.apiKey;
  harness.runImportsOf(tenant.tenantId);
  // Answers spread over seconds: the runner reports progress while the last one is still on its way.
  server = await startFileServer({
    '/a.jpg': { fixture: '320x240.jpg' },
    '/b.png': { fixture: 'Flag_of_the_Netherlands-alpha.png', delayMs: 1200 },
    '/c.jpg': { fixture: 'DSCN0010.jpg', delayMs: 2600 },
    '/held-1.jpg': 'hold',
    '/held-2.jpg': 'hold',
  });
});
afterAll(() => server?.close());

/** A client whose fetch records the paths it asks for. */
function recordingClient() {
  const paths: string[] = [];
  const fetchImpl = (input: string | URL | Request, init?: RequestInit) => {
    paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
    return fetch(input, init);
  };
  return { client: new Client({ baseUrl: harness.baseUrl, token: apiKey, fetch: fetchImpl }), paths };
}

describe('@darkroom/client imports', () => {
  it('starts a URL import and follows its progress over the tenant stream to its end, then pages its failures', async () => {
    const { client, paths } = recordingClient();
    const items = ['/a.jpg', '/b.png', '/c.jpg', '/missing.jpg'].map((path) => ({ url: `${server.base}${path}` }));
    const { import: started } = await client.imports.start({ source: { type: 'urls', items }, metadata: { from: 'client' } });
    expect(started).toMatchObject({ status: 'running', dryRun: false, counts: { found: 4 } });

    const seen: Import[] = [];
    const done = await client.imports.follow(started.id, { onProgress: (imp) => seen.push(imp) });
    expect(done).toMatchObject({ id: started.id, status: 'done', counts: { found: 4, imported: 3, skipped: 0, failed: 1 } });
    expect(done.counts.bytes).toBeGreaterThan(0);
    // Besides what it read and the end, the stream brought progress while the import ran.
    const reads = paths.filter((path) => path === `/v1/imports/${started.id}`).length;
    expect(seen.length, JSON.stringify(seen.map((i) => [i.status, i.counts]))).toBeGreaterThanOrEqual(reads + 2);
    expect(seen.some((imp) => imp.status === 'running' && imp.counts.imported > 0)).toBe(true);
    expect(paths.filter((path) => path === '/v1/events/stream')).toHaveLength(1);

    const failed = await client.imports.items(started.id, { status: 'failed' });
    expect(failed).toMatchObject({
      items: [{ source: `${server.base}/missing.jpg`, status: 'failed', error: { code: 'source_not_found' } }],
      nextCursor: null,
    });
    const firstPage = await client.imports.items(started.id, { limit: 2 });
    expect(firstPage.items.map((item) => item.status)).toEqual(['imported', 'imported']);
    const secondPage = await client.imports.items(started.id, { limit: 2, cursor: firstPage.nextCursor! });
    expect(secondPage.items.map((item) => item.source)).toEqual([`${server.base}/c.jpg`, `${server.base}/missing.jpg`]);
    expect((await client.imports.list({ limit: 1 })).items.map((imp) => imp.id)).toEqual([started.id]);
  });

  it('pauses, resumes and cancels an import, which its follower sees, and refuses to pause it once it ended', async () => {
    const { client } = recordingClient();
    const items = ['/held-1.jpg', '/held-2.jpg'].map((path) => ({ url: `${server.base}${path}` }));
    const { import: started } = await client.imports.start({ source: { type: 'urls', items } });
    const seen: string[] = [];
    const following = client.imports.follow(started.id, { checkEveryMs: 200, onProgress: (imp) => seen.push(imp.status) });
    await until(() => server.requests.includes('/held-1.jpg'));

    expect((await client.imports.pause(started.id)).import.status).toBe('paused');
    expect((await client.imports.pause(started.id)).import.status).toBe('paused');
    await until(() => seen.includes('paused'));
    expect((await client.imports.resume(started.id)).import.status).toBe('running');
    expect((await client.imports.cancel(started.id)).import.status).toBe('canceled');
    expect(await following).toMatchObject({ id: started.id, status: 'canceled' });
    expect((await client.imports.cancel(started.id)).import.status).toBe('canceled');
    await expect(client.imports.pause(started.id)).rejects.toMatchObject({ code: 'invalid_state', status: 409 });
    await expect(client.imports.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
  });
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
  }
}
