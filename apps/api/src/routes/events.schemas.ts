import { z } from 'zod';
import { EVENT_TYPES, EventView } from '@darkroom/core/contract/event';
import { ErrorBody } from '@darkroom/core/contract/error';
import { tenantErrors } from '../error-responses.js';

const typeList = z
  .string()
  .max(500)
  .transform((text, ctx) => {
    const types = text
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const unknown = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `unknown event type ${unknown.map((t) => `"${t}"`).join(', ')}` });
      return z.NEVER;
    }
    return types as (typeof EVENT_TYPES)[number][];
  });

export const listEventsSchema = {
  tags: ['events'],
  summary: "The tenant's events, oldest first after `after`: a feed to catch up from after downtime",
  querystring: z.strictObject({
    after: z.uuid().optional().describe('An event id: only later events'),
    type: typeList.optional().describe('Comma-separated event types'),
    limit: z.coerce.number().int().min(1).max(100).default(100),
  }),
  response: { 200: z.object({ items: z.array(EventView), nextCursor: z.string().nullable() }), 400: ErrorBody, ...tenantErrors },
};
