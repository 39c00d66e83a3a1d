import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createWorkerMetrics, serveMetrics } from './metrics.js';

describe('the worker’s metrics server', () => {
  it('serves the registry at /metrics and nothing else', async () => {
    const metrics = createWorkerMetrics();
    metrics.deliveries.inc({ outcome: 'succeeded' });
    metrics.deliveryDuration.observe({ outcome: 'succeeded' }, 0.2);
    const server = await serveMetrics(metrics.registry, '127.0.0.1', 0);
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('darkroom_webhook_deliveries_total{outcome="succeeded"} 1');
      expect(text).toContain('darkroom_webhook_delivery_duration_seconds_bucket{le="0.25",outcome="succeeded"} 1');
      expect((await fetch(`${base}/`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
