import { countEventsWritten } from '@darkroom/db/queries/events-written';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import type { AppDeps } from '../deps.js';

/**
 * Figures of the whole deployment rather than of this process, read from Postgres when scraped, so
 * any API process gives the same answer. `darkroom_events_written_total` counts the events committed
 * (see `countEventsWritten`: exact, unlike Postgres's insert statistics, which count rolled-back rows
 * too); retention's deletes do not lower it, and it trails the newest events only while a transaction
 * that may still write one is open, as the events feed does.
 */
async function pipelineMetricsPlugin(app: FastifyInstance, opts: { deps: AppDeps }) {
  new Counter({
    name: 'darkroom_events_written_total',
    help: 'Events committed to the outbox (every asset change), across the deployment',
    registers: [app.metrics],
    async collect() {
      // A scrape must not fail while Postgres is away: the counter keeps the last figure it read
      // (never a reset to 0, which a dashboard would take for a restart).
      const written = await countEventsWritten(opts.deps.db).catch(() => null);
      if (written === null) return;
      this.reset();
      this.inc(written);
    },
  });
}

export default fp(pipelineMetricsPlugin, { name: 'darkroom-pipeline-metrics', dependencies: ['darkroom-metrics'] });
