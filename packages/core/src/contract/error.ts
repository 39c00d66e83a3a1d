import { z } from 'zod';

/** Every refusal's body: a code from the `ErrorCode` map and a message a tenant may read. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Why an asset or a job failed, or null. */
export const ErrorSummary = z.object({ code: z.string(), message: z.string() }).nullable();
export type ErrorSummary = z.infer<typeof ErrorSummary>;
