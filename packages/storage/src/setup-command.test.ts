import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/setup-cli.js', import.meta.url));
const storage = { S3_ENDPOINT: 'http://127.0.0.1:9', S3_BUCKET: 'setup-check', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 'local-test-secret' };

/** `npm run storage:setup` reads UPLOAD_TTL as the API does, before it asks the bucket anything. */
describe('storage:setup', () => {
  it.each(['0', '500ms', 'soon'])('refuses UPLOAD_TTL=%s, which the API would refuse', (ttl) => {
    const run = spawnSync(process.execPath, [cli], { env: { PATH: process.env.PATH, ...storage, UPLOAD_TTL: ttl }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`UPLOAD_TTL: "${ttl}" is not a duration of at least 1000 ms`);
  });
});
