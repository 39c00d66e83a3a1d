import { z } from 'zod';
import { ErrorBody } from '@darkroom/core/contract/error';
import { IdParams } from './common.schemas.js';
import { tenantErrors } from '../error-responses.js';

/** A stream's 200 in the OpenAPI document: Fastify never serializes it (the route writes the stream itself). */
const eventStream = (description: string) => ({
  200: { description, content: { 'text/event-stream': { schema: z.string().describe('Server-Sent Events') } } },
});

/** The live-only message both streams carry besides the feed's events. */
const PROGRESS_MESSAGE =
  'While a video renders: `event: asset.progress` without an `id:`, `data:` a ProgressEvent ' +
  '`{ "type": "asset.progress", "createdAt", "data": { "assetId", "jobId", "progress" } }` (0..1, at most once a second per asset, ' +
  'never backwards). It is live only: not in `GET /v1/events`, not replayed after `Last-Event-ID`, not sent to webhooks.';

/** Past the process's stream limit, while shutting down, or without Postgres. */
const unavailable = { 503: ErrorBody } as const;

export const assetEventsSchema = {
  tags: ['events'],
  summary: 'Live status of one asset (Server-Sent Events): the asset now, then each of its events as it happens',
  params: IdParams,
  response: {
    ...eventStream(
      'First `event: asset.snapshot` with the Asset as `GET /v1/assets/:id` shows it, then per event of the asset ' +
        '`id:` the event id, `event:` its type, `data:` the Event; a comment line every 15 s. Ends after `asset.deleted`. ' +
        PROGRESS_MESSAGE,
    ),
    ...tenantErrors,
    404: ErrorBody,
    ...unavailable,
  },
};

export const eventStreamSchema = {
  tags: ['events'],
  summary: 'Every event of the tenant as it happens (Server-Sent Events); `Last-Event-ID` first replays what a client missed',
  headers: z.object({
    'last-event-id': z.uuid().optional().describe('The id of the last event received: the stream first replays every later one'),
  }),
  response: {
    ...eventStream(
      'Per event: `id:` the event id, `event:` its type, `data:` the Event as `GET /v1/events` shows it; a comment line every 15 s. ' +
        PROGRESS_MESSAGE,
    ),
    400: ErrorBody,
    ...tenantErrors,
    ...unavailable,
  },
};
