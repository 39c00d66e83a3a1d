import { afterAll, beforeAll } from 'vitest';
import { TestApi } from './client.js';
import { createTestTenant, type TestTenant } from './fixtures.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';

/** The file's harness, as `startHarness` returns it, and a client holding its admin token. */
export interface FileHarness extends Harness {
  readonly admin: TestApi;
}

/** Options known when the file loads, or worked out in the hook (a presets file written, a server started first). */
export type HarnessOptionsOf = HarnessOptions | (() => HarnessOptions | Promise<HarnessOptions>);

/**
 * One harness for the test file (or `describe`) it is called in: started in a `beforeAll`, closed in
 * an `afterAll`. Hooks run in the order they are declared and `afterAll`s in reverse, so what the
 * file sets up after this call starts after the harness and stops before it; what the harness needs
 * (a proxy it points S3_ENDPOINT at) is declared before the call.
 *
 * Its members read the started harness, so they are for tests and hooks, not for the file's top level.
 */
export function setupHarness(options: HarnessOptionsOf = {}): FileHarness {
  let started: Harness | undefined;
  let admin: TestApi | undefined;
  beforeAll(async () => {
    started = await startHarness(typeof options === 'function' ? await options() : options);
    admin = new TestApi(started.baseUrl, started.adminToken);
  });
  afterAll(() => started?.close());
  const current = (): Harness => started ?? notStarted('harness');
  // A proxy, not a copy: `worker` changes when a test starts or stops it.
  return new Proxy({} as FileHarness, {
    get: (_, key) => (key === 'admin' ? (admin ?? notStarted('harness')) : Reflect.get(current(), key)),
    set: (_, key, value) => Reflect.set(current(), key, value),
    has: (_, key) => key === 'admin' || key in current(),
  });
}

/** A tenant of the file's harness shared by its tests, made in a `beforeAll` (after the harness's). */
export function setupTenant(harness: Harness, name: string): TestTenant {
  let tenant: TestTenant | undefined;
  beforeAll(async () => {
    tenant = await createTestTenant(harness, name);
  });
  const current = () => tenant ?? notStarted(`tenant ${name}`);
  return {
    get admin() {
      return current().admin;
    },
    get client() {
      return current().client;
    },
    get tenantId() {
      return current().tenantId;
    },
  };
}

/** What a getter of a file's fixture throws when it is read before its `beforeAll` has run. */
export function notStarted(what: string): never {
  throw new Error(`the ${what} starts in beforeAll: read it inside a test or hook`);
}
