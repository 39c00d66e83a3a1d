import { METERS } from '@darkroom/core/contract/usage';
import { ERRORS } from '@darkroom/core/error-factories';
import { getTenant, listTenantsForAdmin } from '@darkroom/db/queries/tenants';
import { isUuid } from '@darkroom/db/pagination';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { quotaUsed } from '../../services/tenant-quotas.js';
import { addPeriods, periodStart } from '../../services/usage/periods.js';
import { usageSeries } from '../../services/usage/tenant-usage.js';
import { sendHtml } from './pages.js';
import { tenantPage } from './tenant.html.js';
import { tenantsPage } from './tenants.html.js';

const TenantsQuery = z.object({ q: z.string().max(200).optional() });
const TENANTS_SHOWN = 100;
const TenantParams = z.object({ id: z.string().max(100) });
/** The days the tenant page charts: the last 30, today included. */
const CHART_DAYS = 30;

/**
 * The console's tenants page (each row opens the upload page for its tenant, or the tenant's own
 * page: its quotas and a chart of each meter over the last 30 days); inside the console's admin guard.
 */
export function tenantsPageRoutes(app: FastifyInstance, deps: AppDeps) {
  app.get('/admin/tenants', { schema: { hide: true, querystring: TenantsQuery } }, async (request, reply) => {
    const query = (request.query as z.infer<typeof TenantsQuery>).q?.trim() ?? '';
    // A tenant id finds that tenant; anything else is part of a name.
    const tenants = isUuid(query)
      ? [await getTenant(deps.db, { id: query })].filter((t) => t !== undefined)
      : await listTenantsForAdmin(deps.db, { nameContains: query || undefined, limit: TENANTS_SHOWN });
    return sendHtml(reply, 200, (nonce) => tenantsPage({ nonce, query, tenants, limit: TENANTS_SHOWN }));
  });

  app.get('/admin/tenants/:id', { schema: { hide: true, params: TenantParams } }, async (request, reply) => {
    const { id } = request.params as z.infer<typeof TenantParams>;
    const tenant = isUuid(id) ? await getTenant(deps.db, { id }) : undefined;
    if (!tenant) {
      const notice = ERRORS.tenantNotFound().message;
      return sendHtml(reply, 404, (nonce) => tenantsPage({ nonce, query: id, tenants: [], limit: TENANTS_SHOWN, notice }));
    }
    const to = addPeriods(periodStart(new Date(), 'day'), 'day');
    const [usage, used] = await Promise.all([
      usageSeries(deps.db, tenant.id, { from: addPeriods(to, 'day', -CHART_DAYS), to, granularity: 'day', meters: METERS }),
      quotaUsed(deps, tenant),
    ]);
    return sendHtml(reply, 200, (nonce) => tenantPage({ nonce, tenant, usage, used }));
  });
}
