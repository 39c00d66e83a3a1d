import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { chunkJobPrefix, deliveryRenderKey, variantPrefix } from '@darkroom/core/keys';
import { assetObjectLocation } from '@darkroom/storage';
import { describe, expect, it } from 'vitest';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

const run = promisify(execFile);
const harness = setupHarness();
const t = setupTenant(harness, 'orphans');

/** `npm run orphans` as an operator runs it (the built CLI), scoped to this file's tenant. */
async function orphansCli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['apps/worker/dist/sweeps/orphans-cli.js', '--tenant', t.tenantId, '--min-age', '0', ...args], {
    env: { ...process.env },
  });
  return stdout;
}

describe('npm run orphans', () => {
  it('reports objects that belong to no asset, removes them with --delete, and leaves real assets alone', async () => {
    const { asset } = await t.client.uploadFile(fixture('320x240.jpg'), 'image/jpeg');
    expect((await t.client.waitForAsset(asset.id)).status).toBe('ready');
    const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
    const { asset: hidden } = await t.client.uploadAndComplete(jpeg, { filename: 'p.jpg', contentType: 'image/jpeg', visibility: 'private' });
    expect((await t.client.waitForAsset(hidden.id)).status).toBe('ready');

    const ghost = randomUUID();
    const variant = `${variantPrefix(t.tenantId, ghost)}thumb-0123456789ab.webp`;
    const render = deliveryRenderKey(t.tenantId, ghost, 1, 'w_320,q_75', 'webp');
    const place = (visibility: 'public' | 'private', key: string) => assetObjectLocation(harness.api.config.storage, visibility, key);
    const orphans = [
      { bucket: process.env.S3_BUCKET!, key: `originals/${t.tenantId}/${ghost}` },
      { bucket: process.env.S3_BUCKET!, key: `staging/${t.tenantId}/${ghost}` },
      place('public', variant),
      // A private asset's, in the private place.
      place('private', variant),
      place('private', render),
      // A long video's chunks: of no asset, and of a live asset no job renders any more (a crash's leftovers).
      place('private', `${chunkJobPrefix(t.tenantId, ghost, randomUUID())}stream/chunk-0-r1.ts`),
      place('private', `${chunkJobPrefix(t.tenantId, asset.id, randomUUID())}stream/plan.json`),
    ];
    for (const o of orphans) await harness.api.storage.putObject({ ...o, body: Buffer.from('left behind'), contentType: 'image/webp' });

    const report = await orphansCli();
    for (const o of orphans) expect(report).toContain(`orphan\t${o.bucket}/${o.key}`);
    expect(report.split('\n').filter((line) => line.includes(asset.id) && !line.includes('/chunks/'))).toEqual([]);
    expect(report).not.toContain(hidden.id);
    expect(report).toContain('7 orphan object(s)');
    // A report changes nothing.
    for (const o of orphans) await expect(harness.api.storage.headObject(o)).resolves.toBeDefined();

    const deleted = await orphansCli('--delete');
    expect(deleted).toContain('7 orphan object(s), 77 bytes, and 0 orphan multipart upload(s), removed');
    for (const o of orphans) await expect(harness.api.storage.headObject(o)).rejects.toThrow(/not found/i);
    expect(await orphansCli()).toContain('0 orphan object(s)');
    const still = (await t.client.request('GET', `/v1/assets/${asset.id}`)).body;
    for (const v of still.variants) expect((await fetch(v.url)).status).toBe(200);
  });

  it('reports multipart uploads no asset waits on, and aborts them with --delete, leaving live ones', async () => {
    const bucket = process.env.S3_BUCKET!;
    // A client's upload (staging/) and a copy in parts (originals/) that no asset waits on.
    const ghostKeys = [`staging/${t.tenantId}/${randomUUID()}`, `originals/${t.tenantId}/${randomUUID()}`];
    const ghosts = [];
    for (const key of ghostKeys) ghosts.push(await harness.api.storage.createMultipartUpload({ bucket, key, contentType: 'image/png' }));
    // A live multipart upload: its asset is awaiting its bytes.
    const live = await t.client.request('POST', '/v1/uploads', { filename: 'big.png', contentType: 'image/png', size: 40 * 1024 * 1024 });
    expect(live.body.upload.method).toBe('MULTIPART');

    const report = await orphansCli();
    for (const [i, key] of ghostKeys.entries()) expect(report).toContain(`orphan upload\t${bucket}/${key}\t${ghosts[i]!.uploadId}`);
    expect(report).not.toContain(live.body.asset.id);
    expect(report).toContain('2 orphan multipart upload(s)');
    const deleted = await orphansCli('--delete');
    for (const key of ghostKeys) expect(deleted).toContain(`aborted\t${bucket}/${key}`);
    expect(await orphansCli()).toContain('0 orphan multipart upload(s)');
  });
});
