import { BACKFILL_REASONS, BACKFILL_STATES } from '@darkroom/db/schema';
import { z } from 'zod';
import { ErrorBody } from '@darkroom/core/contract/error';
import { IdParams } from '../common.schemas.js';
import { authErrors } from '../../error-responses.js';

export const BackfillReportBody = z
  .object({
    preset: z.string(),
    matched: z.number().int().describe('Ready assets of the preset with at least one stale variant'),
    staleVariants: z.number().int().describe('Variants to re-render (missing, or rendered from another spec) or to remove (no longer in the preset)'),
    enqueued: z.number().int().describe('Always 0: a dry run queues nothing'),
    skipped: z.number().int().describe('Always 0 for a dry run'),
  })
  .meta({ id: 'BackfillReport' });

export const BackfillBody = z
  .object({
    id: z.string(),
    reason: z
      .enum(BACKFILL_REASONS)
      .describe("`preset`: a preset's stale variants; `face-redaction`: a tenant's assets with faces, after its `enforceFaceRedaction` changed"),
    preset: z.string().describe('The preset re-rendered; empty for a `face-redaction` backfill (every preset of the tenant)'),
    tenantId: z.string().nullable().describe("A tenant's own backfill (POST /v1/presets/:name/backfill); null: every tenant's assets"),
    state: z.enum(BACKFILL_STATES),
    window: z.number().int().describe('At most this many of its jobs are queued or running at once'),
    scanDone: z.boolean().describe('Every ready asset of the preset has been looked at'),
    matched: z.number().int().describe('Ready assets found with stale variants so far'),
    queued: z.number().int().describe('Backfill jobs queued for them so far'),
    skipped: z.number().int().describe('Matched assets left alone: an unfinished job already, or no longer ready'),
    done: z.number().int().describe('Its jobs that finished'),
    failed: z.number().int().describe('Its jobs that failed for good (the asset keeps its old variants)'),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Backfill' });

export const backfillSchema = {
  tags: ['admin'],
  summary:
    'Re-render the variants of a preset that are stale after its specs changed, on the low-priority backfill lane, a window at a time (dryRun: only count them)',
  body: z.strictObject({ preset: z.string().min(1).max(64), dryRun: z.boolean().default(false) }),
  response: {
    202: z.union([BackfillReportBody, z.object({ backfill: BackfillBody })]),
    400: ErrorBody,
    ...authErrors,
    403: ErrorBody,
    404: ErrorBody,
  },
};

export const listBackfillsSchema = {
  tags: ['admin'],
  summary: 'Backfills, newest first, with how far each has got',
  querystring: z.strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  }),
  response: { 200: z.object({ items: z.array(BackfillBody), nextCursor: z.string().nullable() }), 400: ErrorBody, ...authErrors, 403: ErrorBody },
};

export const getBackfillSchema = {
  tags: ['admin'],
  summary: 'One backfill: what it matched, queued, finished and failed',
  params: IdParams,
  response: { 200: z.object({ backfill: BackfillBody }), ...authErrors, 403: ErrorBody, 404: ErrorBody },
};
