import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../deps.js';
import { ERRORS } from '@darkroom/core/error-factories';
import { ErrorBody } from '@darkroom/core/contract/error';
import { sendAnswer } from '../plugins/errors.js';
import { scannerSummary } from '@darkroom/queue';

const CHECK_TIMEOUT_MS = 2000;

/**
 * `ok` or `down`, never the error's text: `/readyz` answers anyone, and a driver's message names
 * hosts, ports and buckets. The detail goes to the log instead.
 */
async function runCheck(name: string, check: () => Promise<void>, log: FastifyBaseLogger): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    log.warn({ dependency: name, err: error }, 'readiness check failed');
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

const ReadyBody = z.object({
  status: z.literal('ok'),
  checks: z.record(z.string(), z.enum(['ok', 'down'])),
  scanner: z
    .enum(['up', 'down', 'off'])
    .describe("The workers' scanners (clamd, the classifier): `down` when a live worker says one is, `off` when none runs one"),
});

/** The scanners as the workers report them; a read that fails says nothing of them (Redis's own check says it is down). */
async function scannerOf(deps: AppDeps, log: FastifyBaseLogger): Promise<'up' | 'down' | 'off'> {
  try {
    return scannerSummary(await deps.scannerStates());
  } catch (error) {
    log.warn({ err: error }, "could not read the scanners' state");
    return 'off';
  }
}

const opsRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/healthz', { schema: { tags: ['ops'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get('/readyz', { schema: { tags: ['ops'], security: [], response: { 200: ReadyBody, 503: ErrorBody } } }, async (request, reply) => {
    const names = Object.keys(deps.readiness) as (keyof AppDeps['readiness'])[];
    const [results, scanner] = await Promise.all([
      Promise.all(names.map((name) => runCheck(name, deps.readiness[name], request.log))),
      scannerOf(deps, request.log),
    ]);
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    const down = names.filter((name) => checks[name] !== 'ok');
    // A scanner down keeps the API ready: uploads still arrive, and wait `processing` for it (fail closed).
    if (down.length === 0) return { status: 'ok' as const, checks, scanner };
    return sendAnswer(reply, ERRORS.notReady(down, checks));
  });

  app.get('/metrics', { schema: { tags: ['ops'], security: [], hide: false } }, async (_request, reply) => {
    reply.header('content-type', app.metrics.contentType);
    return app.metrics.metrics();
  });
};

export default opsRoutes;
