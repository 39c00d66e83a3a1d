import { z } from 'zod';
import { ErrorSummary } from './error.js';

export const JOB_STATES = ['queued', 'active', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const JOB_KINDS = ['process', 'reprocess', 'backfill', 'rescan'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** A job as its tenant sees it (admins see more: apps/api's adminJobView). */
export const JobView = z
  .object({
    id: z.string(),
    assetId: z.string(),
    kind: z.enum(JOB_KINDS),
    state: z.enum(JOB_STATES),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    progress: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .describe('0..1 as a video renders (updated at most once a second, never backwards); null for jobs that report none'),
    error: ErrorSummary,
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Job' });
export type JobView = z.infer<typeof JobView>;
