import { z } from 'zod';
import { tenantErrors } from './common.schemas.js';

export const createDeliveryKeySchema = {
  tags: ['tenant'],
  summary: 'Make a new delivery signing key (shown once); the previous one keeps verifying for 24 hours',
  response: {
    200: z.object({ key: z.string().describe('`dsk_…`: HMAC-SHA256 key for signed delivery URLs (docs/api.md#delivery)') }),
    ...tenantErrors,
  },
};
