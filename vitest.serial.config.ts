import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * Tests that stop shared services (Redis, the S3 gateway), kill workers or run the reconciler.
 * They run one file at a time, after the parallel suite, so no other test sees the outage.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/serial/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
  },
});
