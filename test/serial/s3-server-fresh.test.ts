import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStorageConfig } from '@darkroom/storage';
import { createS3Client } from '../../packages/storage/src/s3-client.js';

/**
 * `scripts/s3-server.sh start` on an answering in-memory store: it keeps the store below
 * S3_SERVER_FRESH_PERCENT and makes it anew, empty, at or above it (npm test asks for 50, so a run
 * never begins on a store it could fill). A cluster of its own (data dir and ports), so the shared
 * server on :7480 is never touched.
 */
const script = fileURLToPath(new URL('../../scripts/s3-server.sh', import.meta.url));
const PORT = 7491;
const dir = mkdtempSync(join(tmpdir(), 'darkroom-s3-fresh-'));
const serverEnv: Record<string, string> = {
  ...(process.env as Record<string, string>),
  S3_SERVER_DIR: dir,
  S3_SERVER_STORE: 'memstore',
  S3_SERVER_PORT: String(PORT),
  S3_SERVER_MON_PORT: '6791',
  S3_ACCESS_KEY_ID: 'darkroom-fresh-test',
  S3_SECRET_ACCESS_KEY: 'darkroom-fresh-test-secret',
};
const client = createS3Client(
  parseStorageConfig({
    S3_ENDPOINT: `http://127.0.0.1:${PORT}`,
    S3_REGION: 'us-east-1',
    S3_BUCKET: 'unused',
    S3_PUBLIC_BUCKET: 'unused-public',
    S3_ACCESS_KEY_ID: serverEnv.S3_ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY: serverEnv.S3_SECRET_ACCESS_KEY,
  }),
);
const BUCKET = 'kept-or-not';

/** `start` with this fill limit; resolves with its output, rejects with it on a non-zero exit. */
async function start(freshPercent: string): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)('bash', [script, 'start'], { env: { ...serverEnv, S3_SERVER_FRESH_PERCENT: freshPercent } });
  return stdout + stderr;
}

const bucketExists = () =>
  client.send(new HeadBucketCommand({ Bucket: BUCKET })).then(
    () => true,
    () => false,
  );

afterAll(async () => {
  client.destroy();
  await promisify(execFile)('bash', [script, 'stop'], { env: serverEnv }).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the in-memory S3 server started on an answering store', () => {
  it('keeps it under S3_SERVER_FRESH_PERCENT and makes it anew at it; refuses a limit that is no number', async () => {
    await start('85');
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));

    expect(await start('100')).toContain('already answering');
    expect(await bucketExists()).toBe(true);

    // Any store is 0 % full or more.
    expect(await start('0')).toContain('starting a new, empty cluster');
    expect(await bucketExists()).toBe(false);

    const refused = await start('half').then(
      () => '',
      (err: { stderr?: string }) => err.stderr ?? '',
    );
    expect(refused).toContain("S3_SERVER_FRESH_PERCENT must be a whole number of percent, not 'half'");
  }, 180_000);
});
