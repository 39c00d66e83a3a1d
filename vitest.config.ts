import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { testEnv } from './test/test-env.js';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/**
 * A package's topic subpaths (`@darkroom/db/queries/assets`) to their sources, read from its
 * package.json `exports`, so the list is written once: `./dist/x.js` is `src/x.ts`.
 */
function subpathsOf(pkg: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(new URL(`./packages/${pkg}/package.json`, import.meta.url), 'utf8')) as {
    exports: Record<string, { default: string }>;
  };
  const entries = Object.entries(manifest.exports).filter(([subpath]) => subpath !== '.');
  return Object.fromEntries(
    entries.map(([subpath, target]) => [
      `@darkroom/${pkg}${subpath.slice(1)}`,
      fileURLToPath(new URL(`./packages/${pkg}/${target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')}`, import.meta.url)),
    ]),
  );
}

/**
 * Which lane a test runs in follows from its name, so no list here needs keeping (docs/contributing.md#tests):
 * beside the code, `*.test.ts` needs no Postgres, Redis or S3 server and `*.int.test.ts` does; under
 * `test/` everything is end-to-end, except `test/repo/` and `test/fixtures/`, which only read the repository's own files.
 */
const BESIDE_CODE = ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'];
const NEEDS_SERVICES = '**/*.int.test.ts';
const REPO_CHECKS = ['test/repo/**/*.test.ts', 'test/fixtures/**/*.test.ts'];
/** Tests that stop shared services (Redis, the S3 gateway), kill workers or run the reconciler. */
const SERIAL = ['test/serial/**/*.test.ts'];

/**
 * Three lanes (vitest projects): `unit`, `integration` (files in parallel against the real services,
 * each with its own tenant and queue prefix) and `serial` (one file at a time, after the others:
 * `sequence.groupOrder`), so no other test sees an outage. `npm test` runs all three. Each inherits
 * the root's settings (Vitest 5's default for inline projects).
 */
export default defineConfig({
  resolve: {
    // Tests run against sources, so they need no build step.
    alias: {
      // Before '@darkroom/client', which would otherwise take its subpath.
      '@darkroom/client/uppy': fileURLToPath(new URL('./packages/client/src/uppy.ts', import.meta.url)),
      '@darkroom/client/node': fileURLToPath(new URL('./packages/client/src/resume-file.ts', import.meta.url)),
      '@darkroom/client/next': fileURLToPath(new URL('./packages/client/src/next.ts', import.meta.url)),
      '@darkroom/client': src('client'),
      ...subpathsOf('core'),
      ...subpathsOf('db'),
      '@darkroom/storage': src('storage'),
      '@darkroom/queue': src('queue'),
      '@darkroom/media': src('media'),
      '@darkroom/moderation': src('moderation'),
      '@darkroom/usage': src('usage'),
      ...subpathsOf('intake'),
      '@darkroom/intake': src('intake'),
    },
  },
  test: {
    env: testEnv,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: [...BESIDE_CODE, ...REPO_CHECKS],
          exclude: [NEEDS_SERVICES, '**/node_modules/**'],
          // A file per core: unit tests share no service. Vitest's default is a core less, which on the
          // two-core machines CI and development run on is one file at a time for every lane.
          maxWorkers: '100%',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.int.test.ts', 'apps/*/src/**/*.int.test.ts', 'test/**/*.test.ts'],
          exclude: [...REPO_CHECKS, ...SERIAL, '**/node_modules/**'],
          globalSetup: ['./test/global-setup.ts'],
          fileParallelism: true,
          // A file per core, as the unit lane: these files wait on their harness's processes and the
          // services for about half their time, so two side by side take about a third less.
          maxWorkers: '100%',
          // After the unit files, in a group of its own (a group runs at one file count).
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'serial',
          include: SERIAL,
          globalSetup: ['./test/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
