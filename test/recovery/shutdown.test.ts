import { describe, expect, it } from 'vitest';
import { TestApi } from '../support/client.js';
import { spawnApi, spawnApp } from '../support/services.js';
import { openSse } from '../support/sse.js';

describe('the API process', () => {
  it('refuses to start without ADMIN_TOKEN, naming it', async () => {
    const api = spawnApp('api', { ADMIN_TOKEN: '', PORT: '0' });
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('ADMIN_TOKEN');
  });

  it('serves, then on SIGTERM stops listening and exits 0', async () => {
    const api = await spawnApi({ RECONCILE_INTERVAL: 'off' });
    const health = () =>
      fetch(`${api.baseUrl}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
    expect(await api.stop(), api.output()).toBe(0);
    expect(await health()).toBe(false);
  });

  it('on SIGTERM ends its open event streams and exits 0 instead of waiting for them', async () => {
    const api = await spawnApi({});
    const { apiKey } = await new TestApi(api.baseUrl, process.env.ADMIN_TOKEN).createTenant('shutdown-sse');
    const stream = await openSse(api.baseUrl, '/v1/events/stream', apiKey);
    expect(stream.status).toBe(200);
    expect(await api.stop(), api.output()).toBe(0);
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
