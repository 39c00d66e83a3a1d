import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type RequestResult = 'hit' | 'render' | 'redirect' | 'refused';

/** The delivery server's own metrics, on a registry of its own (several apps may share a process in tests). */
export interface DeliveryMetrics {
  registry: Registry;
  /** Images rendered by this process. */
  renders: Counter;
  requests: Counter<'result'>;
  renderSeconds: Histogram;
  /** Image bytes answered (HEAD and 304 answer none). */
  bytesOut: Counter;
  /** Queries the catalog sends Postgres: an asset with its tenant, or a tenant read again. */
  lookups: Counter<'kind'>;
}

export function createDeliveryMetrics(): DeliveryMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'darkroom_delivery_requests_total',
    help: 'Image requests by result: a stored render (hit), a new one (render), a redirect to the current revision, or a refusal',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Every result from the start, so a dashboard reads 0 rather than nothing.
  for (const result of ['hit', 'render', 'redirect', 'refused']) requests.inc({ result }, 0);
  const lookups = new Counter({
    name: 'darkroom_delivery_lookups_total',
    help: 'Catalog queries sent to Postgres: an asset not cached or past its time (asset), a tenant read again for a failed signature (tenant)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  for (const kind of ['asset', 'tenant']) lookups.inc({ kind }, 0);
  return {
    registry,
    renders: new Counter({ name: 'darkroom_delivery_renders_total', help: 'Images rendered by this process', registers: [registry] }),
    requests,
    renderSeconds: new Histogram({
      name: 'darkroom_delivery_render_seconds',
      help: 'Time one render takes: the original read, decoded, shaped and encoded (slot wait and its storing excluded)',
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    bytesOut: new Counter({ name: 'darkroom_delivery_bytes_out_total', help: 'Image bytes sent', registers: [registry] }),
    lookups,
  };
}
