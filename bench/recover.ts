import { newId } from '@darkroom/db/ids';
import { ASSET_METADATA, packRecord, RENDER_METADATA } from '@darkroom/db/records/codec';
import { assetRecordOf, renderRecordOf } from '@darkroom/db/records/asset-record';
import type { Asset } from '@darkroom/db/schema';
import { originalKey, variantOutputKey, variantPrefix } from '@darkroom/core/keys';
import { pino } from 'pino';
import { loadWorkerConfig } from '../apps/worker/src/config.js';
import { createWorkerDeps, type WorkerDeps } from '../apps/worker/src/deps.js';
import { recover } from '../apps/worker/src/recover/recover.js';
import { benchEnv, prepareBench } from './support.js';
import { ratio, type BenchRow } from './table.js';

/** Assets whose records are put straight into the bench buckets; override with BENCH_RECOVER_ASSETS. */
const ASSETS = Number(process.env.BENCH_RECOVER_ASSETS ?? 3000);
const PUTS_AT_ONCE = 32;

/** What an upload leaves in the bucket: the original with its record, two variant objects with the render's. */
async function seedAsset(deps: WorkerDeps, tenantId: string): Promise<void> {
  const now = new Date();
  const id = newId();
  const asset = {
    ...{ id, tenantId, filename: `IMG_${id.slice(-6)}.jpg`, contentType: 'image/jpeg', size: 2_345_678, preset: 'default', kind: 'image' },
    ...{ metadata: { album: 'bench', index: id.slice(-4) }, uploadTokenId: null, focus: null, crop: null, revision: 1 },
    ...{ createdAt: now, uploadExpiresAt: now, updatedAt: now },
  } as unknown as Asset;
  const variants = ['thumb', 'medium'].map((name, i) => ({
    ...{
      name,
      kind: 'image' as const,
      format: 'webp',
      width: 200 * (i + 1),
      height: 150 * (i + 1),
      duration: null,
      size: 5000,
      specHash: `spec${i}`,
    },
    key: variantOutputKey(tenantId, id, 1, `out${i}`, 'webp'),
  }));
  const image = { width: 4000, height: 3000, format: 'jpeg', placeholder: 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG', dominantColor: '#8a7f6e', hasAlpha: false };
  const render = renderRecordOf({ revision: 1, image, variants, variantPrefix: variantPrefix(tenantId, id) });
  const { bucket, publicBucket } = deps.config.storage;
  const body = Buffer.from('x');
  await deps.storage.putObject({
    bucket,
    key: originalKey(tenantId, id),
    body,
    contentType: 'image/jpeg',
    metadata: { [ASSET_METADATA]: packRecord(assetRecordOf(asset, now)) },
  });
  const metadata = { [RENDER_METADATA]: packRecord(render), [ASSET_METADATA]: packRecord(assetRecordOf(asset, now)) };
  await Promise.all(variants.map((v) => deps.storage.putObject({ bucket: publicBucket, key: v.key, body, contentType: 'image/webp', metadata })));
}

/**
 * The baseline: the one request a rendered asset's rebuild costs (a HEAD of a variant object), bare,
 * at the same concurrency, over half the variant objects seeded (`half` 0 or 1: every other one):
 * what the S3 server allows at best. Timed once before recover and once after, so the machine's
 * drift over the run falls on both sides.
 */
async function timeHeads(deps: WorkerDeps, tenantId: string, half: 0 | 1): Promise<{ heads: number; seconds: number }> {
  const keys: string[] = [];
  for await (const o of deps.storage.listObjects({ bucket: deps.config.storage.publicBucket, prefix: `variants/${tenantId}/` })) keys.push(o.key);
  const sample = keys.filter((_, i) => i % 2 === half);
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < sample.length) await deps.storage.headObject({ bucket: deps.config.storage.publicBucket, key: sample[next++]! });
  };
  await Promise.all(Array.from({ length: 32 }, lane));
  return { heads: sample.length, seconds: (performance.now() - started) / 1000 };
}

/**
 * `npm run recover`'s rate on records whose variants are all still there (the case after a
 * restore: uploads since the backup point, rendered): the bench database knows none of ASSETS
 * assets whose objects are in the bench buckets, and recover rebuilds them, re-linking every variant.
 */
export async function runRecoverBench(): Promise<BenchRow[]> {
  const { tenantId } = await prepareBench('recover');
  const deps = createWorkerDeps(loadWorkerConfig(benchEnv), pino({ level: 'warn' }));
  try {
    for (let at = 0; at < ASSETS; at += PUTS_AT_ONCE) {
      await Promise.all(Array.from({ length: Math.min(PUTS_AT_ONCE, ASSETS - at) }, () => seedAsset(deps, tenantId)));
    }
    const before = await timeHeads(deps, tenantId, 0);
    const started = performance.now();
    const report = await recover(deps, { dryRun: false, tenantId, minAgeMs: 0, concurrency: 32, queue: null });
    const seconds = (performance.now() - started) / 1000;
    const after = await timeHeads(deps, tenantId, 1);
    const headRate = (before.heads + after.heads) / (before.seconds + after.seconds);
    if (report.relinked !== ASSETS) throw new Error(`recover re-linked ${report.relinked} of ${ASSETS} assets`);
    const rate = ASSETS / seconds;
    const perSecond = (t: { heads: number; seconds: number }) => Math.round(t.heads / t.seconds);
    console.log(
      `recover: ${ASSETS} assets rebuilt in ${seconds.toFixed(2)} s; the S3 server answers ${perSecond(before)} HEAD/s before and ${perSecond(after)} after, at 32 in flight`,
    );
    return [
      {
        metric: `recover: assets rebuilt per second (${ASSETS}, variants there; baseline: bare HEADs per second)`,
        darkroom: `${Math.round(rate)}/s`,
        baseline: `${Math.round(headRate)}/s`,
        ratio: ratio(rate / headRate),
        goal: '≥ 500/s',
        met: rate >= 500 ? 'yes' : 'no',
      },
    ];
  } finally {
    await deps.close();
  }
}
