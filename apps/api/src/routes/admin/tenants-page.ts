import { getTenant, listTenantsForAdmin } from '@darkroom/db/queries/tenants';
import { isUuid } from '@darkroom/db/pagination';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { sendHtml } from './pages.js';
import { tenantsPage } from './tenants.html.js';

const TenantsQuery = z.object({ q: z.string().max(200).optional() });
const TENANTS_SHOWN = 100;

/** The console's tenants page (each row opens the upload page for its tenant); inside the console's admin guard. */
export function tenantsPageRoutes(app: FastifyInstance, deps: AppDeps) {
  app.get('/admin/tenants', { schema: { hide: true, querystring: TenantsQuery } }, async (request, reply) => {
    const query = (request.query as z.infer<typeof TenantsQuery>).q?.trim() ?? '';
    // A tenant id finds that tenant; anything else is part of a name.
    const tenants = isUuid(query)
      ? [await getTenant(deps.db, { id: query })].filter((t) => t !== undefined)
      : await listTenantsForAdmin(deps.db, { nameContains: query || undefined, limit: TENANTS_SHOWN });
    return sendHtml(reply, 200, (nonce) => tenantsPage({ nonce, query, tenants, limit: TENANTS_SHOWN }));
  });
}
