import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Outcomes of one delivery attempt: `retrying` will be tried again, `failed` was the last try, `gone`: 410 disabled the webhook. */
export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'gone';

/** The asset jobs whose stages are timed: a first render (AssetProcess) and a preset's backfill (AssetBackfill). */
export type AssetJob = 'process' | 'backfill';

/**
 * The stages of an asset job, in order: fetching the original, waiting for the render gate,
 * rendering (for a video, its poster and transcodes, which upload as they go), uploading an image's
 * variants, and recording the result in Postgres (then deleting superseded objects).
 */
export type JobStage = 'download' | 'moderate' | 'render_wait' | 'render' | 'upload' | 'record';

export interface WorkerMetrics {
  registry: Registry;
  /** Seconds an asset job spent in each stage, by stage, the asset's kind (image, video, audio) and the job (process, backfill). */
  jobStageDuration: Histogram<'stage' | 'kind' | 'job'>;
  deliveries: Counter<'outcome'>;
  deliveryDuration: Histogram<'outcome'>;
  eventsDispatched: Counter<'type'>;
  /** Billed bytes the last usage check found between a LIST of the buckets and the storage ledger, every tenant's difference added (sweeps/usage-check.ts). */
  usageStoredDrift: Gauge;
}

/** The worker's own Prometheus registry (served by `serveMetrics` when METRICS_PORT is set). */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    jobStageDuration: new Histogram({
      name: 'darkroom_asset_job_stage_seconds',
      help: 'Time an asset job spent in each stage (download, render_wait, render, upload, record), by asset kind and job (process, backfill)',
      labelNames: ['stage', 'kind', 'job'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'darkroom_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (succeeded, retrying, failed, gone)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    deliveryDuration: new Histogram({
      name: 'darkroom_webhook_delivery_duration_seconds',
      help: 'Time from sending a webhook to its response (or the 10 s timeout)',
      labelNames: ['outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers: [registry],
    }),
    eventsDispatched: new Counter({
      name: 'darkroom_events_dispatched_total',
      help: 'Events the webhook dispatcher read from the outbox, by type (across workers: the events written)',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    usageStoredDrift: new Gauge({
      name: 'darkroom_usage_stored_drift_bytes',
      help: "Bytes by which a LIST of the buckets and the storage ledger differed at the last nightly check, every tenant's difference added",
      registers: [registry],
    }),
  };
}

/** `GET /metrics` on its own small server: the worker has no HTTP server otherwise. */
export async function serveMetrics(registry: Registry, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return server;
}
