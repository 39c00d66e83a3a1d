import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import type { AppDeps } from '../deps.js';

/**
 * Figures of the whole deployment rather than of this process, read from Postgres when scraped, so
 * any API process gives the same answer. `darkroom_events_written_total` is Postgres's own count of
 * rows inserted into `events` (pg_stat_user_tables), which retention's deletes do not lower; it
 * restarts from 0 only if Postgres's statistics are reset, as a Prometheus counter may.
 */
async function pipelineMetricsPlugin(app: FastifyInstance, opts: { deps: AppDeps }) {
  new Counter({
    name: 'darkroom_events_written_total',
    help: 'Events written to the outbox (every asset change), across the deployment',
    registers: [app.metrics],
    async collect() {
      const rows = await opts.deps.db.execute<{ inserted: string | number }>(
        sql`select coalesce(sum(n_tup_ins), 0) as inserted from pg_stat_user_tables where relname = 'events'`,
      );
      this.reset();
      this.inc(Number(rows[0]?.inserted ?? 0));
    },
  });
}

export default fp(pipelineMetricsPlugin, { name: 'darkroom-pipeline-metrics', dependencies: ['darkroom-metrics'] });
