import { getTenantNames } from '@darkroom/db/queries/tenants';
import { isUuid } from '@darkroom/db/pagination';
import { listRecentFailedAttempts } from '@darkroom/db/queries/webhook-attempts';
import { listWebhooksForAdmin } from '@darkroom/db/queries/webhooks';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { sendHtml } from './pages.js';
import { webhooksPage } from './webhooks.html.js';

const WebhooksQuery = z.object({ tenantId: z.string().max(100).optional() });
/** Webhooks shown at most, and failed attempts per webhook. */
const WEBHOOKS_SHOWN = 100;
const FAILURES_SHOWN = 10;

async function loadWebhooks(deps: AppDeps, tenantId: string | undefined) {
  const webhooks = await listWebhooksForAdmin(deps.db, { tenantId, limit: WEBHOOKS_SHOWN });
  const failures = await listRecentFailedAttempts(deps.db, { webhookIds: webhooks.map((w) => w.id), perWebhook: FAILURES_SHOWN });
  const tenantNames = await getTenantNames(deps.db, { ids: [...new Set(webhooks.map((w) => w.tenantId))] });
  return webhooks.map((w) => ({ ...w, tenantName: tenantNames.get(w.tenantId) ?? null, failures: failures.filter((a) => a.webhookId === w.id) }));
}

/** The console's webhooks page; registered inside the console's admin guard. */
export function webhooksPageRoutes(app: FastifyInstance, deps: AppDeps) {
  app.get('/admin/webhooks', { schema: { hide: true, querystring: WebhooksQuery } }, async (request, reply) => {
    const tenantId = (request.query as z.infer<typeof WebhooksQuery>).tenantId?.trim() ?? '';
    if (tenantId && !isUuid(tenantId)) {
      const notice = `"${tenantId}" is not a tenant id (a UUID).`;
      return sendHtml(reply, 400, (nonce) => webhooksPage({ nonce, tenantId, webhooks: [], notice }));
    }
    const webhooks = await loadWebhooks(deps, tenantId || undefined);
    return sendHtml(reply, 200, (nonce) => webhooksPage({ nonce, tenantId, webhooks }));
  });
}
