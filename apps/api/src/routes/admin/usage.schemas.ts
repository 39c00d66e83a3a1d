import { ErrorBody } from '@darkroom/core/contract/error';
import { z } from 'zod';
import { authErrors } from '../../error-responses.js';
import { USAGE_EXPORT_FORMATS } from '@darkroom/db/queries/usage';
import { refineRange, UsageRangeFields } from '../usage.schemas.js';

const ROW = 'one per tenant, period and meter: `tenantId` (null, or empty in CSV: the deployment), `at` (the period start, UTC), `meter`, `value`';

export const exportUsageSchema = {
  tags: ['admin'],
  summary: "Every tenant's usage, streamed: one row per tenant, period and meter, tenants by id and the deployment's rows last",
  querystring: z
    .strictObject({
      ...UsageRangeFields,
      tenantId: z.uuid().optional().describe("One tenant's rows only"),
      format: z
        .enum(USAGE_EXPORT_FORMATS)
        .default('json')
        .describe('`json`: one array; `csv`: a header line, then RFC 4180 rows; `jsonl`: one object a line'),
    })
    .superRefine(refineRange),
  response: {
    200: {
      description: `The rows, ${ROW}; values exact as stored (numbers). Streamed: a failure midway cuts the body short (a JSON array without its \`]\`).`,
      content: {
        'application/json': {
          schema: z.array(z.object({ tenantId: z.uuid().nullable(), at: z.iso.datetime(), meter: z.string(), value: z.number() })),
        },
        'text/csv': { schema: z.string().describe('tenantId,at,meter,value') },
        'application/x-ndjson': { schema: z.string().describe('One JSON object a line') },
      },
    },
    400: ErrorBody,
    ...authErrors,
    403: ErrorBody,
  },
};
