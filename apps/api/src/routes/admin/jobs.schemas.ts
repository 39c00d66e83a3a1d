import { ProcessingErrorCode } from '@darkroom/core/errors';
import { ErrorBody } from '@darkroom/core/contract/error';
import { JobView, JOB_STATES } from '@darkroom/core/contract/job';
import { z } from 'zod';
import { IdParams } from '../common.schemas.js';
import { authErrors } from '../../error-responses.js';

const adminErrors = { ...authErrors, 403: ErrorBody } as const;

const ErrorDetail = z.string().nullable().describe('The raw error behind the message (it may name a bucket, key, host or SQL): admin routes only');

const AttemptBody = z.object({
  attempt: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  errorDetail: ErrorDetail,
});

export const AdminJobBody = JobView.extend({ tenantId: z.string(), errorDetail: ErrorDetail, history: z.array(AttemptBody) }).meta({
  id: 'AdminJob',
});

const filterFields = {
  tenantId: z.uuid().optional(),
  errorCode: z.enum([...ProcessingErrorCode, 'interrupted']).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('Jobs created at or after this time'),
  until: z.iso.datetime({ offset: true }).optional().describe('Jobs created before this time'),
};

export const listJobsSchema = {
  tags: ['admin'],
  summary: 'Jobs across tenants, newest first, filtered by state, tenant, error code and time',
  querystring: z.strictObject({
    state: z.enum(JOB_STATES).optional(),
    ...filterFields,
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(200).optional(),
  }),
  response: { 200: z.object({ items: z.array(AdminJobBody), nextCursor: z.string().nullable() }), 400: ErrorBody, ...adminErrors },
};

export const retryJobSchema = {
  tags: ['admin'],
  summary: 'Give a failed job a new round of attempts',
  params: IdParams,
  response: { 202: z.object({ job: JobView }), ...adminErrors, 404: ErrorBody, 409: ErrorBody },
};

export const bulkRetrySchema = {
  tags: ['admin'],
  summary: 'Retry every failed job matching a filter (dryRun: only count them)',
  body: z.strictObject({ state: z.literal('failed'), ...filterFields, dryRun: z.boolean().default(false) }),
  response: { 202: z.object({ matched: z.number().int(), requeued: z.number().int() }), 400: ErrorBody, ...adminErrors },
};

export const reprocessSchema = {
  tags: ['admin'],
  summary: 'Render an asset again from its original',
  params: IdParams,
  response: { 202: z.object({ job: JobView }), ...adminErrors, 404: ErrorBody, 409: ErrorBody },
};

const LaneCounts = z.object({ name: z.string(), paused: z.boolean(), counts: z.record(z.string(), z.number()) });

export const QueueCountsBody = z.object({
  queue: LaneCounts.describe('The main queue: uploads and reprocessing'),
  backfillQueue: LaneCounts.describe('The backfill lane: re-renders after a preset change, worked by their own slots'),
  jobs: z.record(z.enum(JOB_STATES), z.number()).describe('Job rows in Postgres, the system of record'),
  estimated: z
    .array(z.enum(JOB_STATES))
    .describe('States whose `jobs` count is the planner estimate (completed, once the table is large), not an exact count'),
});

export const queueCountsSchema = {
  tags: ['admin'],
  summary: 'Queue entries per state (Redis) and job rows per state (Postgres)',
  response: { 200: QueueCountsBody, ...adminErrors },
};

export const pauseSchema = {
  tags: ['admin'],
  summary: 'Pause or resume processing across every worker',
  response: { 200: z.object({ paused: z.boolean() }), ...adminErrors },
};
