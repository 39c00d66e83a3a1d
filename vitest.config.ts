import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { testEnv } from './test/test-env.js';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against sources, so they need no build step.
    alias: {
      '@darkroom/core': src('core'),
      '@darkroom/db': src('db'),
      '@darkroom/storage': src('storage'),
      '@darkroom/queue': src('queue'),
      '@darkroom/media': src('media'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    env: testEnv,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files share one Postgres database and one S3 server; each uses its own tenant and queue prefix.
    fileParallelism: true,
    pool: 'forks',
  },
});
