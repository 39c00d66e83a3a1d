import { readFile } from 'node:fs/promises';
import { deliveryAssetPrefix } from '@darkroom/core/keys';
import type { Visibility } from '@darkroom/core/private-links';
import { getAsset } from '@darkroom/db/queries/assets';
import { parseStorageConfig, setupBuckets } from '@darkroom/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioFile } from '../../packages/media/src/audio/test-audio.js';
import { moveAssetObjects } from '../../apps/worker/src/visibility-move.js';
import { testEnv } from '../test-env.js';
import type { Asset } from '@darkroom/client';
import { getImage, imagePath, startDelivery } from './delivery.js';
import { createTestTenant, type TestTenant } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { fixture } from './images.js';
import { writePresetsFile } from './presets.js';
import { expectAnonymousReads, expectNoAnonymousReads, keysIn, type AssetRef } from './private-objects.js';
import { clip } from './video.js';

/**
 * The check, end to end in one bucket layout: no object of a private asset (each kind of
 * media, uploaded private or turned private by PATCH) is listed in the public bucket or read by an
 * anonymous GET, while a public asset's are, so the check can fail.
 */
export interface Layout {
  name: string;
  /** The harness's storage settings (none: the test buckets, two of them). */
  env: Record<string, string>;
  /** Whether the layout is one bucket, checked against the config the harness read. */
  singleBucket: boolean;
}

/** One preset for every kind, each output as small as it comes: images, video (poster, MP4, HLS, storyboard), audio (rendition, waveform, cover art). */
const TINY = [
  { name: 'thumb', fit: 'cover', width: 64, height: 64, format: 'webp', quality: 70 },
  { name: 'clip', fit: 'inside', width: 128, height: 72, format: 'mp4', quality: 40 },
  { name: 'stream', format: 'hls', width: 128, height: 72, quality: 40, segmentSeconds: 2 },
  { name: 'storyboard', format: 'storyboard', width: 32 },
  { name: 'podcast', format: 'opus', bitrate: 32 },
  { name: 'waveform', format: 'waveform', points: 10 },
] as const;

interface Media {
  path: () => Promise<string>;
  contentType: string;
  /** The variants it must come out with: a kind's check holds only if its objects were made. */
  variants: string[];
}

const MEDIA = {
  jpeg: { path: async () => fixture('320x240.jpg'), contentType: 'image/jpeg', variants: ['thumb'] },
  heic: { path: async () => fixture('heif-gps.heic'), contentType: 'image/heic', variants: ['thumb'] },
  animated: { path: async () => fixture('animated-loop-3.gif'), contentType: 'image/gif', variants: ['thumb'] },
  video: { path: () => clip('basic.mp4'), contentType: 'video/mp4', variants: ['thumb', 'clip', 'stream', 'storyboard'] },
  audio: { path: () => audioFile('cover.mp3'), contentType: 'audio/mpeg', variants: ['thumb', 'podcast', 'waveform'] },
} satisfies Record<string, Media>;

type Kind = keyof typeof MEDIA;

export function describeNoAnonymousReads(layout: Layout): void {
  let harness: Harness;
  let t: TestTenant;
  const uploaded = new Map<string, Promise<Asset>>();

  /** Uploads one of the media with the tiny preset and waits for it: ready, with its kind's variants. */
  async function ready(kind: Kind, visibility: Visibility): Promise<Asset> {
    const media: Media = MEDIA[kind];
    const bytes = new Uint8Array(await readFile(await media.path()));
    const meta = { filename: (await media.path()).split('/').pop()!, contentType: media.contentType, preset: 'tiny', visibility };
    const { asset } = await t.client.uploadAndComplete(bytes, meta);
    const done = await t.client.waitForAsset(asset.id, 120_000);
    expect(done.status, JSON.stringify(done.error)).toBe('ready');
    expect(done.variants.map((v) => v.name).sort()).toEqual([...media.variants].sort());
    return done;
  }
  /** Each upload starts once, all of them at the start, so the worker renders them side by side. */
  const readyOnce = (kind: Kind, visibility: Visibility): Promise<Asset> => {
    const key = `${kind}/${visibility}`;
    if (!uploaded.has(key)) uploaded.set(key, ready(kind, visibility));
    return uploaded.get(key)!;
  };
  // The API's Asset does not name its tenant, which every key does.
  const asset = async (kind: Kind, visibility: Visibility): Promise<AssetRef> => ({
    id: (await readyOnce(kind, visibility)).id,
    tenantId: t.tenantId,
  });

  /** Turns a ready public asset private and moves its objects as the worker's pass does once the change is 60 s old. */
  async function turnPrivate(id: string): Promise<void> {
    const patched = await t.client.raw('PATCH', `/v1/assets/${id}`, { visibility: 'private' });
    expect(patched.status).toBe(200);
    expect(await moveAssetObjects(harness.workerDeps, (await getAsset(harness.api.db, { id }))!)).toBe('moved');
    expect((await getAsset(harness.api.db, { id }))?.objectsVisibility).toBe('private');
  }

  describe(`no object of a private asset is anonymously readable (${layout.name})`, () => {
    beforeAll(async () => {
      const env = { ...layout.env, PRESETS_FILE: await writePresetsFile({ tiny: [...TINY] }) };
      if (layout.singleBucket) await setupBuckets(parseStorageConfig({ ...testEnv, ...env }), { corsOrigins: testEnv.CORS_ORIGINS!.split(',') });
      harness = await startHarness({ env });
      t = await createTestTenant(harness, `no-anonymous-reads-${layout.name}`);
      for (const kind of Object.keys(MEDIA) as Kind[]) {
        for (const visibility of ['private', 'public'] as const) void readyOnce(kind, visibility).catch(() => {});
      }
    }, 180_000);
    afterAll(async () => {
      if (layout.singleBucket && harness && t) await removeTenantObjects(harness, t.tenantId);
      await harness?.close();
    });

    it('is the layout it says, with its policy in force: a public asset’s variants are read anonymously', async () => {
      const { bucket, publicBucket } = harness.api.config.storage;
      expect(bucket === publicBucket).toBe(layout.singleBucket);
      expect(harness.workerDeps.config.storage).toMatchObject({ bucket, publicBucket });
      const jpeg = await asset('jpeg', 'public');
      expect((await expectAnonymousReads(harness, jpeg)).length).toBeGreaterThan(0);
    });

    it.each(Object.keys(MEDIA) as Kind[])('uploaded private: %s', async (kind) => {
      const held = await expectNoAnonymousReads(harness, await asset(kind, 'private'));
      expect(held.length).toBeGreaterThan(0);
    });

    it('turned private by PATCH: an image, with a render delivery made of it while public', async () => {
      const jpeg = await asset('jpeg', 'public');
      const delivery = await startDelivery(harness, layout.env);
      try {
        expect((await getImage(`${delivery.baseUrl}${imagePath(jpeg.id, 1, 'w_48,f_webp')}`)).status).toBe(200);
        await Promise.all(delivery.deps.background);
      } finally {
        await delivery.close();
      }
      const renders = await keysIn(harness, 'public', deliveryAssetPrefix(t.tenantId, jpeg.id));
      expect(renders).toHaveLength(1);
      await turnPrivate(jpeg.id);
      await expectNoAnonymousReads(harness, jpeg, renders);
    });

    // A video with its HLS ladder, storyboard and poster; audio with its rendition, waveform and cover art.
    it.each(['heic', 'animated', 'video', 'audio'] as const)('turned private by PATCH: %s, every object moved', async (kind) => {
      const media = await asset(kind, 'public');
      const before = await expectAnonymousReads(harness, media);
      await turnPrivate(media.id);
      const after = await expectNoAnonymousReads(harness, media);
      expect(after).toEqual(before.sort());
    });

    it('a render made through a private link is kept in the private place', async () => {
      const jpeg = await readyOnce('jpeg', 'private');
      const delivery = await startDelivery(harness, layout.env);
      try {
        const base = jpeg.delivery!.base.replace(harness.api.config.deliveryBaseUrl, delivery.baseUrl);
        expect(base).toContain('/p/');
        expect((await getImage(`${base}/w_128,f_webp`)).meta?.format).toBe('webp');
        await Promise.all(delivery.deps.background);
      } finally {
        await delivery.close();
      }
      const renders = await keysIn(harness, 'private', deliveryAssetPrefix(t.tenantId, jpeg.id));
      expect(renders).toHaveLength(1);
      await expectNoAnonymousReads(harness, { id: jpeg.id, tenantId: t.tenantId }, renders);
    });
  });
}

/** Everything of a tenant in the bucket a one-bucket layout's test made for itself (keys name their tenant). */
async function removeTenantObjects(harness: Harness, tenantId: string): Promise<void> {
  const { bucket } = harness.api.config.storage;
  for await (const object of harness.api.storage.listObjects({ bucket, prefix: '' })) {
    if (object.key.includes(tenantId)) await harness.api.storage.deleteObject({ bucket, key: object.key });
  }
}
