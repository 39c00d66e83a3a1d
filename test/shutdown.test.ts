import { describe, expect, it } from 'vitest';
import { DarkroomClient } from './support/client.js';
import { spawnApp, waitFor } from './support/services.js';
import { openSse } from './support/sse.js';

describe('the API process', () => {
  it('refuses to start without ADMIN_TOKEN, naming it', async () => {
    const api = spawnApp('api', { ADMIN_TOKEN: '', PORT: '0' });
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('ADMIN_TOKEN');
  });

  it('serves, then on SIGTERM stops listening and exits 0', async () => {
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const api = spawnApp('api', { PORT: port, RECONCILE_INTERVAL: 'off' });
    const health = () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    await waitFor('the API to answer', health, 20_000, 100);
    api.child.kill('SIGTERM');
    expect(await api.exited, api.output()).toBe(0);
    expect(await health()).toBe(false);
  });

  it('on SIGTERM ends its open event streams and exits 0 instead of waiting for them', async () => {
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const api = spawnApp('api', { PORT: port });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitFor('the API to answer', () => fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false), 20_000, 100);
    const { apiKey } = await new DarkroomClient(baseUrl, process.env.ADMIN_TOKEN).createTenant('shutdown-sse');
    const stream = await openSse(baseUrl, '/v1/events/stream', apiKey);
    expect(stream.status).toBe(200);
    api.child.kill('SIGTERM');
    expect(await api.exited, api.output()).toBe(0);
    await stream.ended;
  });
});

describe('the worker process', () => {
  it('refuses to start with a malformed setting, naming it', async () => {
    const worker = spawnApp('worker', { WORKER_CONCURRENCY: 'many' });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('WORKER_CONCURRENCY');
  });
});
