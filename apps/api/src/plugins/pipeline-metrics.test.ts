import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import type { AppDeps } from '../deps.js';
import metricsPlugin from './metrics.js';
import pipelineMetricsPlugin from './pipeline-metrics.js';

// Postgres's answers, faked: 42 events committed, then the database goes away.
const countEventsWritten = vi.fn();
vi.mock('@darkroom/db/queries/events-written', () => ({ countEventsWritten: (...args: unknown[]) => countEventsWritten(...args) }));

describe('deployment metrics read from Postgres', () => {
  it('a scrape still answers while Postgres fails, keeping the last count rather than dropping to 0', async () => {
    const app = Fastify();
    await app.register(metricsPlugin);
    await app.register(pipelineMetricsPlugin, { deps: { db: {} } as unknown as AppDeps });
    await app.ready();
    countEventsWritten.mockResolvedValueOnce(42);
    expect(await app.metrics.metrics()).toMatch(/^darkroom_events_written_total 42$/m);
    countEventsWritten.mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    expect(await app.metrics.metrics()).toMatch(/^darkroom_events_written_total 42$/m);
    await app.close();
  });
});
