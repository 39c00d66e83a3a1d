import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { testEnv } from './test/test-env.js';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/** Tests that need no Postgres, Redis or S3 server: `npm run test:unit` runs them anywhere. */
const UNIT = [
  'packages/core/src/**/*.test.ts',
  'packages/media/src/**/*.test.ts',
  'packages/storage/src/{config,errors,presigner}.test.ts',
  'packages/db/src/ids.test.ts',
  'packages/db/src/backup/config.test.ts',
  'packages/db/src/records/*.test.ts',
  'packages/client/src/**/*.test.ts',
  'apps/*/src/config.test.ts',
  'apps/api/src/plugins/*.test.ts',
  'apps/api/src/routes/*.html.test.ts',
  'apps/api/src/routes/upload-page.test.ts',
  'apps/api/src/services/upload-rules.test.ts',
  'apps/worker/src/handlers/*.test.ts',
  'apps/delivery/src/{plan,catalog}.test.ts',
  // A loopback receiver, no services.
  'apps/worker/src/webhooks/{send,deliver}.test.ts',
  'apps/worker/src/metrics.test.ts',
  'apps/worker/src/recover/progress.test.ts',
  'test/compose.test.ts',
  'test/docs-links.test.ts',
  'test/docs-signing.test.ts',
];
/** Tests that stop shared services (Redis, the S3 gateway), kill workers or run the reconciler. */
const SERIAL = ['test/serial/**/*.test.ts'];

/**
 * Three lanes (vitest projects): `unit`, `integration` (files in parallel against the real services,
 * each with its own tenant and queue prefix) and `serial` (one file at a time, after the others:
 * `sequence.groupOrder`), so no other test sees an outage. `npm test` runs all three.
 */
export default defineConfig({
  resolve: {
    // Tests run against sources, so they need no build step.
    alias: {
      // Before '@darkroom/client', which would otherwise take its subpath.
      '@darkroom/client/uppy': fileURLToPath(new URL('./packages/client/src/uppy.ts', import.meta.url)),
      '@darkroom/client/next': fileURLToPath(new URL('./packages/client/src/next.ts', import.meta.url)),
      '@darkroom/client': src('client'),
      '@darkroom/core': src('core'),
      '@darkroom/db': src('db'),
      '@darkroom/storage': src('storage'),
      '@darkroom/queue': src('queue'),
      '@darkroom/media': src('media'),
    },
  },
  test: {
    env: testEnv,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...UNIT, ...SERIAL, '**/node_modules/**'],
          globalSetup: ['./test/global-setup.ts'],
          fileParallelism: true,
        },
      },
      {
        extends: true,
        test: {
          name: 'serial',
          include: SERIAL,
          globalSetup: ['./test/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
