import { METERS, type Meter } from '@darkroom/core/contract/usage';
import { ErrorBody } from '@darkroom/core/contract/error';
import { USAGE_GRANULARITIES } from '@darkroom/db/queries/usage';
import { z } from 'zod';
import { tenantErrors } from '../error-responses.js';
import { parseInstant, rangeProblem } from '../services/usage/periods.js';

const instant = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const at = parseInstant(text);
    if (at) return at;
    ctx.addIssue({ code: 'custom', message: 'not an ISO 8601 date or date-time (2026-11, 2026-11-05, 2026-11-05T14:00:00Z)' });
    return z.NEVER;
  });

const meterList = z
  .string()
  .max(1000)
  .transform((text, ctx) => {
    const meters = [...new Set(text.split(',').map((m) => m.trim()))].filter(Boolean);
    const unknown = meters.filter((m) => !(METERS as readonly string[]).includes(m));
    if (unknown.length > 0 || meters.length === 0) {
      const named = unknown.length > 0 ? `unknown meter ${unknown.map((m) => `"${m}"`).join(', ')}` : 'name at least one meter';
      ctx.addIssue({ code: 'custom', message: `${named} (the meters: ${METERS.join(', ')})` });
      return z.NEVER;
    }
    return meters as Meter[];
  });

/** A range of periods, `[from, to)`, each end at the start of a period of its granularity, at most 31 days by hour or 2 years. */
export const UsageRangeFields = {
  from: instant.describe('The first period, its start: `2026-11-01`, `2026-11-05T14:00:00Z` (UTC, or with an offset)'),
  to: instant.describe('The end of the range (exclusive), at the start of a period'),
  granularity: z.enum(USAGE_GRANULARITIES).default('day').describe('Hours (at most 31 days), days or calendar months (at most 2 years); UTC'),
};

type Range = { from: Date; to: Date; granularity: (typeof USAGE_GRANULARITIES)[number] };
export function refineRange(range: Range, ctx: z.RefinementCtx): void {
  const problem = rangeProblem(range.from, range.to, range.granularity);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
}

const MeterValues = z.partialRecord(z.enum(METERS), z.number());

export const UsageReport = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    granularity: z.enum(USAGE_GRANULARITIES),
    series: z
      .array(z.object({ at: z.iso.datetime().describe("The period's start (UTC)"), values: MeterValues }))
      .describe('Every period of the range, oldest first; 0 where nothing was counted'),
    totals: MeterValues.describe('Over the range: the sum of each meter (byte-hours for stored_bytes), the largest for stored_bytes_peak'),
  })
  .meta({ id: 'UsageReport' });
export type UsageReport = z.infer<typeof UsageReport>;

export const readUsageSchema = {
  tags: ['usage'],
  summary: "The tenant's usage by hour, day or month: every meter asked, for every period of the range",
  querystring: z
    .strictObject({
      ...UsageRangeFields,
      meters: meterList.optional().describe('Comma-separated meters; every meter when absent'),
    })
    .superRefine(refineRange),
  response: { 200: UsageReport, 400: ErrorBody, ...tenantErrors },
};
