import { migrateDatabase } from '@darkroom/db/migrate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyJpegs } from '../../scripts/source-bucket.js';
import { createTestTenant, type TestTenant } from '../support/fixtures.js';
import { median } from '../support/flood.js';
import { type FileServer, serve, startFileServer, startImport, waitForImport } from '../support/imports.js';
import { spawnApi, type ApiProcess } from '../support/services.js';
import { setupHarness } from '../support/setup-harness.js';

// A database of this file's own: an API process with IMPORT_RUNNER on takes up any import it finds.
// The tenants' requests (the import's POST, its polling) go to the harness's API, which runs none:
// the runner's API hears only the live stream the test sends it.
const DATABASE_URL = `${process.env.DATABASE_URL}_import_pace`;
/** Files each import brings: enough for the gaps between their transfers' starts to show the pace. */
const FILES = 24;
/** The starts weighed: the import's first, before the pace has gained much (import-pace.ts). */
const WEIGHED = 10;
/** How long the live stream flows before the import starts: the runner has heard several reports of it. */
const LEAD_MS = 500;
/** The live stream's spacing on the runner's API: well above the 2 requests in 100 ms that make it live, far below what makes it late. */
const STREAM_MS = 10;

const harness = setupHarness(async () => {
  await migrateDatabase(DATABASE_URL);
  return { withWorker: false, env: { DATABASE_URL } };
});
let runner: ApiProcess;
let files: FileServer;
let photos: Buffer[];

beforeAll(async () => {
  photos = await tinyJpegs(FILES);
  files = await startFileServer();
  // The only process that runs imports here; its requests are the test's stream alone.
  runner = await spawnApi({ DATABASE_URL, QUEUE_PREFIX: harness.prefix, IMPORT_RUNNER: 'on', IMPORT_ALLOW_PRIVATE: 'true' });
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await files?.close();
});

/** A URL import of FILES photos served under `/{set}/`, for a tenant of its own, run to its end; the ms between its first WEIGHED transfers' starts. */
async function startGaps(tenant: TestTenant, set: string): Promise<number[]> {
  const paths = photos.map((_, n) => `/${set}/${n}.jpg`);
  for (const [n, path] of paths.entries()) files.routes.set(path, serve(photos[n]!));
  const started = await startImport(tenant.client, { source: { type: 'urls', items: paths.map((path) => ({ url: files.url(path) })) } });
  const done = await waitForImport(tenant.client, started.id, undefined, 60_000);
  expect(done.counts).toMatchObject({ imported: FILES, failed: 0 });
  // A transfer's start is its file's first request (the server records every one, in arrival order).
  const firstArrival = new Map<string, number>();
  for (const { path, at } of files.requests) if (paths.includes(path) && !firstArrival.has(path)) firstArrival.set(path, at);
  const starts = [...firstArrival.values()].sort((a, b) => a - b).slice(0, WEIGHED);
  return starts.slice(1).map((at, i) => at - starts[i]!);
}

describe("the import runner's thread paces its transfers by the API's own requests (start.ts → live-load.ts → import-pace.ts)", () => {
  it('an API with no live requests reports itself idle, and the import runs unpaced: its transfers start together', async () => {
    const tenant = await createTestTenant(harness, 'pace-idle');
    const gaps = await startGaps(tenant, 'idle');
    // Unpaced, IMPORT_CONCURRENCY transfers start at once; held at the gentle start they would be 50 ms apart.
    console.info(`idle API: the first ${WEIGHED} transfers' starts ${gaps.join(', ')} ms apart`);
    expect(median(gaps), `gaps: ${gaps.join(', ')} ms`).toBeLessThan(20);
  });

  it('among live requests the import starts gently: its first transfers are spaced, not started together', async () => {
    const tenant = await createTestTenant(harness, 'pace-live');
    const stream = setInterval(() => void fetch(`${runner.baseUrl}/healthz`).catch(() => {}), STREAM_MS);
    try {
      // A few reports of live requests before the import: the runner knows the API is not idle.
      await new Promise((resolve) => setTimeout(resolve, LEAD_MS));
      const gaps = await startGaps(tenant, 'live');
      // 20 files a second at first, gaining 40 a second per second of calm: the first ten over about half a second.
      console.info(`live API: the first ${WEIGHED} transfers' starts ${gaps.join(', ')} ms apart`);
      expect(median(gaps), `gaps: ${gaps.join(', ')} ms`).toBeGreaterThanOrEqual(25);
    } finally {
      clearInterval(stream);
    }
  });
});
