import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { ErrorBody } from './common.schemas.js';

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: () => Promise<void>): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

const ReadyBody = z.object({ status: z.literal('ok'), checks: z.record(z.string(), z.string()) });

const opsRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/healthz', { schema: { tags: ['ops'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['ops'], security: [], response: { 200: ReadyBody, 503: ErrorBody } } },
    async (_request, reply) => {
      const names = Object.keys(deps.readiness) as (keyof AppDeps['readiness'])[];
      const results = await Promise.all(names.map((name) => runCheck(deps.readiness[name])));
      const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
      const down = names.filter((name) => checks[name] !== 'ok');
      if (down.length === 0) return { status: 'ok' as const, checks };
      return reply.status(503).send({
        error: { code: 'service_unavailable', message: `Not ready: ${down.join(', ')} not answering.`, details: { checks, down } },
      });
    },
  );

  app.get('/metrics', { schema: { tags: ['ops'], security: [], hide: false } }, async (_request, reply) => {
    reply.header('content-type', app.metrics.contentType);
    return app.metrics.metrics();
  });
};

export default opsRoutes;
