import { z } from 'zod';
import { tenantErrors } from '../error-responses.js';

const CreateDeliveryKeyBody = z
  .object({
    revokePrevious: z
      .boolean()
      .optional()
      .describe('true: the key in force until now stops verifying at once (every delivery process refuses its URLs within 5 s)'),
  })
  .strict()
  .nullish()
  .describe('Absent: the previous key keeps verifying for 24 hours');

export const createDeliveryKeySchema = {
  tags: ['tenant'],
  summary: 'Make a new delivery signing key (shown once); the previous one keeps verifying for 24 hours, unless revoked',
  body: CreateDeliveryKeyBody,
  response: {
    200: z.object({ key: z.string().describe('`dsk_…`: HMAC-SHA256 key for signed delivery URLs (docs/api.md#delivery)') }),
    ...tenantErrors,
  },
};
