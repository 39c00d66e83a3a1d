import { ERRORS } from '@darkroom/core/error-factories';
import { ProcessingErrorCode } from '@darkroom/core/errors';
import { getAsset } from '@darkroom/db/queries/assets';
import { getJob } from '@darkroom/db/queries/jobs';
import { InvalidCursorError, isUuid } from '@darkroom/db/pagination';
import { listBackfills } from '@darkroom/db/queries/backfills';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { adminJobView } from '../../views.js';
import { listFailedRows } from '../../services/admin/failed-jobs.js';
import { createPreviewRenderer } from '../../services/admin/original-preview.js';
import { backfillsPage, failedPage } from './dashboard.html.js';
import { sendHtml } from './pages.js';
import { IdParams } from '../common.schemas.js';

const ERROR_CODES = [...ProcessingErrorCode, 'interrupted'] as const;

const FailedQuery = z.object({
  tenantId: z.string().max(100).optional(),
  errorCode: z.string().max(100).optional(),
  cursor: z.string().max(200).optional(),
});

/** The filter as typed into the form; a malformed one is explained on the page rather than as JSON. */
function readFilter(query: z.infer<typeof FailedQuery>) {
  const tenantId = query.tenantId?.trim() ?? '';
  const errorCode = query.errorCode ?? '';
  let notice: string | undefined;
  if (tenantId && !isUuid(tenantId)) notice = `"${tenantId}" is not a tenant id (a UUID).`;
  else if (errorCode && !(ERROR_CODES as readonly string[]).includes(errorCode)) notice = `Unknown error code "${errorCode}".`;
  return { form: { tenantId, errorCode }, notice, cursor: query.cursor || undefined };
}

async function loadFailedPage(deps: AppDeps, query: z.infer<typeof FailedQuery>) {
  const { form, notice, cursor } = readFilter(query);
  const empty = { filter: form, rows: [], nextCursor: null };
  if (notice) return { ...empty, notice };
  try {
    const page = await listFailedRows(deps, { tenantId: form.tenantId || undefined, errorCode: form.errorCode || undefined, cursor });
    return { filter: form, ...page, notice: undefined };
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    return { ...empty, notice: 'That page link is no longer valid; start from the first page.' };
  }
}

/** The failed-jobs page (with previews and retry) and the backfills page; registered inside the console's admin guard. */
export function failedPageRoutes(app: FastifyInstance, deps: AppDeps) {
  const renderPreview = createPreviewRenderer(deps);

  app.get('/admin/failed', { schema: { hide: true, querystring: FailedQuery } }, async (request, reply) => {
    const page = await loadFailedPage(deps, request.query as z.infer<typeof FailedQuery>);
    return sendHtml(reply, page.notice ? 400 : 200, (nonce) => failedPage({ nonce, ...page, errorCodes: ERROR_CODES }));
  });

  app.get('/admin/assets/:id/original-preview', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const preview = await renderPreview((request.params as z.infer<typeof IdParams>).id);
    return reply.header('content-type', preview.contentType).header('cache-control', 'private, max-age=60').send(preview.data);
  });

  app.get('/admin/api/jobs/:id', { schema: { hide: true, params: IdParams } }, async (request) => {
    const { id } = request.params as z.infer<typeof IdParams>;
    const job = isUuid(id) ? await getJob(deps.db, { id }) : undefined;
    if (!job) throw ERRORS.jobNotFound();
    const asset = await getAsset(deps.db, { id: job.assetId });
    return { job: adminJobView(job), asset: asset ? { id: asset.id, status: asset.status } : null };
  });

  app.get('/admin/backfills', { schema: { hide: true } }, async (_request, reply) => {
    const page = await listBackfills(deps.db, { limit: 50 });
    return sendHtml(reply, 200, (nonce) => backfillsPage({ nonce, rows: page.items }));
  });
}
