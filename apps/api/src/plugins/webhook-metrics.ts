import { countPendingDeliveries } from '@darkroom/db/queries/webhook-deliveries';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import type { AppDeps } from '../deps.js';

/**
 * The webhook backlog on the API's `/metrics`, read at scrape time: entries in the webhook queue by
 * state, and pending deliveries in Postgres (the truth, which includes any Redis lost). Delivery
 * outcomes and latency are counted where deliveries happen: the worker's own `/metrics`.
 */
async function webhookMetricsPlugin(app: FastifyInstance, { deps }: { deps: AppDeps }) {
  new Gauge({
    name: 'darkroom_webhook_queue_depth',
    help: 'Webhook delivery entries in the queue, by state (waiting, delayed, active)',
    labelNames: ['state'] as const,
    registers: [app.metrics],
    async collect() {
      // A scrape must not fail while Redis is away: the gauge is left out instead.
      const counts = await deps.webhookQueue.counts().catch(() => null);
      this.reset();
      if (counts) for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'darkroom_webhook_deliveries_pending',
    help: 'Webhook deliveries not finished yet (Postgres: queued, in flight or waiting for a retry)',
    registers: [app.metrics],
    async collect() {
      const pending = await countPendingDeliveries(deps.db).catch(() => null);
      this.reset();
      if (pending !== null) this.set(pending);
    },
  });
}

export default fp(webhookMetricsPlugin, { name: 'darkroom-webhook-metrics', dependencies: ['darkroom-metrics'] });
