import { z } from 'zod';
import { ErrorBody, authErrors } from './common.schemas.js';

export const BackfillReportBody = z
  .object({
    preset: z.string(),
    matched: z.number().int().describe('Ready assets of the preset with at least one stale variant'),
    staleVariants: z.number().int().describe('Variants to re-render (missing, or rendered from another spec) or to remove (no longer in the preset)'),
    enqueued: z.number().int().describe('Backfill jobs created; 0 for a dry run'),
    skipped: z.number().int().describe('Matched assets left alone because they already had an unfinished job'),
  })
  .meta({ id: 'BackfillReport' });

export const backfillSchema = {
  tags: ['admin'],
  summary: 'Re-render the variants of a preset that are stale after its specs changed, on the low-priority backfill lane (dryRun: only count them)',
  body: z.strictObject({ preset: z.string().min(1).max(64), dryRun: z.boolean().default(false) }),
  response: { 202: BackfillReportBody, 400: ErrorBody, ...authErrors, 403: ErrorBody, 404: ErrorBody },
};
