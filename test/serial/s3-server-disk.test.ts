import { GetBucketCorsCommand, GetBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../packages/storage/src/s3-client.js';
import { createS3Storage, parseCorsOrigins, parseStorageConfig, setupBuckets, type StorageConfig } from '@darkroom/storage';
import { TestApi } from '../support/client.js';
import { dockerfileEnv, repoFile } from '../support/docker.js';
import { originalLocation } from '../support/fixtures.js';
import { startHarness } from '../support/harness.js';
import { fixture } from '../support/images.js';
import { objectSha256, sha256 } from '../support/objects.js';
import { waitFor } from '../support/services.js';

/**
 * docker-compose.yml's S3 server, run natively: scripts/s3-server.sh with the settings of
 * docker/s3-server.Dockerfile (the persistent, BlueStore store) in the foreground (`run`, the
 * container's command), its own data dir and ports so the shared server on :7480 is never touched.
 * storage:setup, an upload through the real API and worker, a clean stop (SIGTERM, as `docker
 * stop` sends) and a start on the same data dir: the original and every variant are still there.
 *
 * storage:setup needs nothing of this store that the in-memory dev server lacks: the same bucket
 * policy, CORS and lifecycle calls succeed with the same summary (packages/storage/src/setup.int.test.ts).
 */
const script = fileURLToPath(new URL('../../scripts/s3-server.sh', import.meta.url));
const PORT = 7490;
const MON_PORT = 6790;
const endpoint = `http://127.0.0.1:${PORT}`;
const dir = mkdtempSync(join(tmpdir(), 'darkroom-s3-disk-'));

const composeEnv = (parse(repoFile('docker-compose.yml')) as { 'x-darkroom-env': Record<string, string> })['x-darkroom-env'];
/** The image's settings; only where it listens and keeps its data differ (one machine, many clusters). */
const serverEnv: Record<string, string> = {
  ...(process.env as Record<string, string>),
  ...dockerfileEnv(repoFile('docker/s3-server.Dockerfile')),
  S3_SERVER_DIR: dir,
  S3_SERVER_HOST: '127.0.0.1',
  S3_SERVER_PORT: String(PORT),
  S3_SERVER_MON_PORT: String(MON_PORT),
  S3_ACCESS_KEY_ID: 'darkroom-disk-test',
  S3_SECRET_ACCESS_KEY: `disk-test-${sha256(Buffer.from(dir)).slice(0, 24)}`,
};
/** What the compose services run with, pointed at this server. */
const appEnv: Record<string, string> = {
  S3_ENDPOINT: endpoint,
  S3_REGION: composeEnv.S3_REGION!,
  S3_BUCKET: composeEnv.S3_BUCKET!,
  S3_PUBLIC_BUCKET: composeEnv.S3_PUBLIC_BUCKET!,
  S3_ACCESS_KEY_ID: serverEnv.S3_ACCESS_KEY_ID!,
  S3_SECRET_ACCESS_KEY: serverEnv.S3_SECRET_ACCESS_KEY!,
  CDN_BASE_URL: `${endpoint}/${composeEnv.S3_PUBLIC_BUCKET}`,
};
const config: StorageConfig = parseStorageConfig(appEnv);

interface RunningServer {
  output(): string;
  /** SIGTERM, as `docker stop` sends; resolves with the exit code. */
  stop(): Promise<number | string>;
}

/** `s3-server.sh run` in the foreground, returned once the gateway answers. */
async function runServer(): Promise<RunningServer> {
  const child = spawn('bash', [script, 'run'], { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const server = {
    output: () => output,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
  await waitFor(
    'the disk-backed S3 server to answer',
    async () => {
      if (child.exitCode !== null) throw new Error(`s3-server.sh run exited ${child.exitCode}: ${output}`);
      return (await fetch(`${endpoint}/`).catch(() => null))?.ok;
    },
    150_000,
    500,
  );
  return server;
}

/** Anonymous GET, as a browser loads a variant from the CDN. */
const publicGet = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, sha256: sha256(new Uint8Array(await response.arrayBuffer())) };
};

let server: RunningServer | undefined;

beforeAll(async () => {
  server = await runServer();
}, 180_000);
afterAll(async () => {
  await server?.stop();
  // Whatever a failed run left behind (a daemon outlives a killed script), then the data dir.
  await promisify(execFile)('bash', [script, 'stop'], { env: serverEnv }).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('the compose S3 server (Ceph RGW on BlueStore), natively', () => {
  it('takes storage:setup as the dev server does, keeps an upload and its variants across a stop and start', async () => {
    const corsOrigins = parseCorsOrigins(composeEnv.CORS_ORIGINS);
    const summary = await setupBuckets(config, { corsOrigins });
    expect(summary.buckets).toEqual([
      { name: config.bucket, created: true },
      { name: config.publicBucket, created: true },
    ]);
    expect(summary.publicRead).toMatchObject({ bucket: config.publicBucket, via: 'policy', verified: true });
    expect(summary.cors.map((c) => c.bucket)).toEqual([config.bucket, config.publicBucket]);
    expect(summary.lifecycle).toEqual([
      { bucket: config.bucket, applied: true, days: 2, stagingDays: 2 },
      { bucket: config.publicBucket, applied: true, days: 2, stagingDays: null },
    ]);

    const harness = await startHarness({ env: appEnv });
    let original: { bucket: string; key: string };
    let originalSha: string;
    let variants: { url: string; sha256: string }[];
    try {
      const admin = new TestApi(harness.baseUrl, harness.adminToken);
      const tenant = admin.withToken((await admin.createTenant('s3-server-disk')).apiKey);
      const { asset: queued } = await tenant.uploadFile(fixture('DSCN0010.jpg'), 'image/jpeg');
      const asset = await tenant.waitForAsset(queued.id, 120_000);
      expect(asset.status).toBe('ready');
      expect(asset.variants.length).toBeGreaterThan(0);
      original = await originalLocation(harness, asset.id);
      originalSha = await objectSha256(harness.api.storage, original);
      variants = [];
      for (const variant of asset.variants as { url: string }[]) {
        expect(variant.url.startsWith(`${endpoint}/`)).toBe(true);
        const got = await publicGet(variant.url);
        expect(got.status, variant.url).toBe(200);
        variants.push({ url: variant.url, sha256: got.sha256 });
      }
    } finally {
      await harness.close();
    }

    expect(await server!.stop()).toBe(0);
    server = undefined;
    expect((await fetch(`${endpoint}/`).catch(() => null))?.ok ?? false).toBe(false);
    server = await runServer();
    expect(server.output()).toContain('starting the kept cluster');

    // The original byte for byte (read with the credentials, as the worker does), and every variant
    // anonymously: the public-read policy was kept with the objects.
    expect(await objectSha256(createS3Storage(config), original)).toBe(originalSha);
    expect(sha256(readFileSync(fixture('DSCN0010.jpg')))).toBe(originalSha);
    for (const variant of variants) expect(await publicGet(variant.url), variant.url).toEqual({ status: 200, sha256: variant.sha256 });

    // CORS and lifecycle rules were kept as well (read before setup runs again and rewrites them).
    const client = createS3Client(config);
    try {
      const cors = await client.send(new GetBucketCorsCommand({ Bucket: config.bucket }));
      expect(cors.CORSRules?.flatMap((rule) => rule.AllowedOrigins)).toEqual(corsOrigins);
      const lifecycle = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: config.bucket }));
      expect(lifecycle.Rules?.length).toBeGreaterThan(0);
    } finally {
      client.destroy();
    }
    const rerun = await setupBuckets(config, { corsOrigins });
    expect(rerun.buckets.map((b) => b.created)).toEqual([false, false]);
  });
});
