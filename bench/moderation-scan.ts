import { stat } from 'node:fs/promises';
import { median } from '../test/support/flood.js';
import { startS3Counter, type S3Counter } from '../test/support/s3-counter.js';
import { scanAndReadMs, tenMegabytePhoto } from './clamd.js';
import {
  ALL_OFF,
  ALL_ON,
  addStageDelta,
  type BenchClamd,
  completeToFinished,
  expectAllReady,
  MALWARE_ONLY,
  noStages,
  setPolicy,
  type StageSums,
  stageMeansText,
} from './moderation-support.js';
import { benchEnv, freePort } from './support.js';
import { row, type BenchRow } from './table.js';
import type { BenchInput } from './worker-inputs.js';
import { type Rig, startRig, upload } from './worker-rig.js';
import { stageTotals } from './worker.js';
import type { ModerationPolicyPatch } from '@darkroom/core/contract/moderation';

const SCAN_SAMPLES = 5;
/** Photos counted per policy: the count is the same photo to photo, so a few show a change. */
const COUNTED_PHOTOS = 3;
/** After `ready`, what a job still does in the bucket (nothing, today) has this long to show. */
const COUNT_SETTLE_MS = 1000;

const ms = (value: number) => `${Math.round(value)} ms`;

interface StageWindow {
  /** complete → job committed, one per sample. */
  samples: number[];
  stages: StageSums;
}

/** `SCAN_SAMPLES` uploads of `photo` under `policy`, one at a time, and the stages the worker recorded for them alone. */
async function scanWindow(rig: Rig, metricsPort: number, photo: BenchInput, policy: ModerationPolicyPatch): Promise<StageWindow> {
  await setPolicy(rig, policy);
  const before = await stageTotals(metricsPort);
  const samples: number[] = [];
  for (let i = 0; i < SCAN_SAMPLES; i++) samples.push((await completeToFinished(rig, photo)).ms);
  const stages = noStages();
  addStageDelta(stages, before, await stageTotals(metricsPort));
  return { samples, stages };
}

/**
 * Goal 2: a 10 MB photo's scan against its complete → ready with the malware check on (the scan
 * streams beside the download, so the `download` stage holds it), and the same photo with it off;
 * the scan's own time as bench/clamd.ts measures it, against the same clamd.
 */
export async function scanShareRows(clamd: BenchClamd): Promise<BenchRow[]> {
  const path = await tenMegabytePhoto();
  const photo = { path, bytes: (await stat(path)).size, megapixels: 53 };
  const metricsPort = await freePort();
  const rig = await startRig(1, { CLAMD_HOST: clamd.host, METRICS_HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) });
  let on: StageWindow;
  let off: StageWindow;
  try {
    await setPolicy(rig, MALWARE_ONLY);
    await completeToFinished(rig, photo);
    on = await scanWindow(rig, metricsPort, photo, MALWARE_ONLY);
    off = await scanWindow(rig, metricsPort, photo, ALL_OFF);
    await expectAllReady(rig);
  } finally {
    await rig.close();
  }
  const { scanMs } = await scanAndReadMs(clamd.host, path);
  const [readyOn, readyOff] = [median(on.samples), median(off.samples)];
  const megabytes = (photo.bytes / 1e6).toFixed(1);
  return [
    row(
      `${megabytes} MB photo: clamd scan (tests' signatures) vs its complete→ready, malware on (p50 of ${SCAN_SAMPLES})`,
      ms(scanMs),
      ms(readyOn),
      scanMs / readyOn,
      '≤ 0.10×',
      scanMs / readyOn <= 0.1,
    ),
    row(
      `${megabytes} MB photo complete→ready, malware on vs off; download stage (scan streamed in) on vs off`,
      `${ms(readyOn)}; ${stageMeansText(on.stages, ['download'])}`,
      `${ms(readyOff)}; ${stageMeansText(off.stages, ['download'])}`,
      readyOn / readyOff,
      '—',
      null,
    ),
  ];
}

/** The worker's bucket requests for each of `photos`, uploaded public under `policy`: those whose key names the asset. */
async function countPerPhoto(rig: Rig, counter: S3Counter, photos: readonly BenchInput[], policy: ModerationPolicyPatch) {
  await setPolicy(rig, policy);
  const perPhoto: number[] = [];
  const operations = new Map<string, number>();
  for (const photo of photos) {
    counter.requests.length = 0;
    const { asset } = await upload(rig, photo, 'public');
    const done = await rig.tenant.waitForAsset(asset.id, 120_000);
    if (done.status !== 'ready') throw new Error(`a clean photo ended ${done.status}`);
    await new Promise((resolve) => setTimeout(resolve, COUNT_SETTLE_MS));
    const own = counter.requests.filter((r) => r.path.includes(asset.id));
    perPhoto.push(own.length);
    for (const r of own) operations.set(r.operation, (operations.get(r.operation) ?? 0) + 1);
  }
  const summary = [...operations].map(([operation, n]) => `${n / photos.length} ${operation}`).join(', ');
  return { mean: perPhoto.reduce((a, b) => a + b, 0) / perPhoto.length, spread: `${Math.min(...perPhoto)}–${Math.max(...perPhoto)}`, summary };
}

/**
 * Goal 4: the worker's bucket requests per clean public photo with every check on against every
 * check off, through test/support/s3-counter.ts's counting proxy in front of the worker alone (the
 * API's own requests, the same either way, are test/uploads/request-count.test.ts's).
 */
export async function requestRows(clamd: BenchClamd, photos: readonly BenchInput[]): Promise<BenchRow[]> {
  const counter = await startS3Counter(benchEnv.S3_ENDPOINT!);
  const rig = await startRig(1, { CLAMD_HOST: clamd.host, S3_ENDPOINT: counter.endpoint });
  try {
    const counted = photos.slice(0, COUNTED_PHOTOS);
    const off = await countPerPhoto(rig, counter, counted, ALL_OFF);
    const on = await countPerPhoto(rig, counter, counted, ALL_ON);
    await expectAllReady(rig);
    console.log(`  worker's requests per photo, checks on: ${on.summary}; off: ${off.summary}`);
    return [
      row(
        `worker's bucket requests per clean public photo, all checks on vs off (${COUNTED_PHOTOS} photos each)`,
        `${on.mean} (${on.spread})`,
        `${off.mean} (${off.spread})`,
        on.mean / off.mean,
        'unchanged',
        on.mean === off.mean,
      ),
    ];
  } finally {
    await rig.close();
    await counter.close();
  }
}
