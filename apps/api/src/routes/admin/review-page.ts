import { InvalidCursorError, isUuid } from '@darkroom/db/pagination';
import { getTenantNames } from '@darkroom/db/queries/tenants';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { listEntries } from '../../services/moderation/blocklists.js';
import { listReviewQueue } from '../../services/moderation/review.js';
import { blocklistEntryView } from '../../views.js';
import { sendHtml } from './pages.js';
import { reviewPage, type ReviewPageModel } from './review.html.js';

const ReviewQuery = z.object({ tenantId: z.string().max(100).optional(), cursor: z.string().max(200).optional() });
/** Held assets a page shows, and blocklist entries. */
const HELD_SHOWN = 24;
const ENTRIES_SHOWN = 100;

async function loadReview(deps: AppDeps, tenantId: string | undefined, cursor: string | undefined) {
  const [queue, entries, scanners] = await Promise.all([
    listReviewQueue(deps, { tenantId, limit: HELD_SHOWN, cursor }),
    listEntries(deps, { tenantId: null, limit: ENTRIES_SHOWN }),
    deps.scannerStates().catch(() => new Map()),
  ]);
  const tenantNames = await getTenantNames(deps.db, { ids: [...new Set(queue.items.map((row) => row.tenantId))] });
  return {
    held: queue.items,
    nextCursor: queue.nextCursor,
    tenantNames,
    entries: entries.items.map(blocklistEntryView),
    moreEntries: entries.nextCursor !== null,
    scanners,
  };
}

/**
 * The console's review page: held assets through their private links, so its images come from the
 * delivery server (DELIVERY_BASE_URL), which its policy lets in; inside the console's admin guard.
 */
export function reviewPageRoutes(app: FastifyInstance, deps: AppDeps) {
  const imageOrigin = new URL(deps.config.deliveryBaseUrl).origin;
  app.get('/admin/review', { schema: { hide: true, querystring: ReviewQuery } }, async (request, reply) => {
    const query = request.query as z.infer<typeof ReviewQuery>;
    const tenantId = query.tenantId?.trim() ?? '';
    const empty: Omit<ReviewPageModel, 'nonce' | 'notice'> = {
      tenantId,
      held: [],
      tenantNames: new Map(),
      nextCursor: null,
      entries: [],
      moreEntries: false,
      scanners: new Map(),
    };
    if (tenantId && !isUuid(tenantId)) {
      const notice = `"${tenantId}" is not a tenant id (a UUID).`;
      return sendHtml(reply, 400, (nonce) => reviewPage({ ...empty, nonce, notice }));
    }
    try {
      const loaded = await loadReview(deps, tenantId || undefined, query.cursor || undefined);
      return sendHtml(reply, 200, (nonce) => reviewPage({ ...loaded, tenantId, nonce }), { imgSrc: [imageOrigin] });
    } catch (error) {
      if (!(error instanceof InvalidCursorError)) throw error;
      return sendHtml(reply, 400, (nonce) => reviewPage({ ...empty, nonce, notice: error.message }));
    }
  });
}
