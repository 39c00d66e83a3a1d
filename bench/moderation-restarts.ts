import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deliveryAssetPrefix, variantPrefix } from '@darkroom/core/keys';
import { assets } from '@darkroom/db/schema';
import { createS3Storage, type ObjectStorage, parseStorageConfig } from '@darkroom/storage';
import { eq } from 'drizzle-orm';
import { EICAR } from '../test/support/payloads.js';
import { median } from '../test/support/flood.js';
import { startDeliveryServer } from './delivery-peers.js';
import { type BenchClamd, MALWARE_ONLY, setPolicy } from './moderation-support.js';
import { benchEnv, ROOT, stop } from './support.js';
import { row, type BenchRow } from './table.js';
import { type Rig, startRig } from './worker-rig.js';

/** clamd is stopped this many times, once every RESTART_PERIOD_MS, for the second half of each period. */
const RESTARTS = Number(process.env.BENCH_CLAMD_RESTARTS ?? 3);
const RESTART_PERIOD_MS = 30_000;
const DOWN_MS = RESTART_PERIOD_MS / 2;
/** Uploads keep flowing this long after the last start: assets that arrive as clamd comes back. */
const TAIL_MS = 10_000;
const UPLOAD_EVERY_MS = 1000;
const POLL_EVERY_MS = 1000;
/** After the uploads stop, every asset has this long to settle: the scanner's backoff tops out at a minute. */
const SETTLE_TIMEOUT_MS = 180_000;
const FINAL = new Set(['ready', 'rejected', 'held', 'failed']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tracked {
  id: string;
  infected: boolean;
  completedAt: number;
  /** When it was first seen in a final status, and which. */
  settledAt?: number;
  status?: string;
  /** Its moderation state then: a clean photo published unscanned would not be `clear`. */
  moderation?: string;
}

/** What probes of some uploads saw where the public reads. */
interface Exposure {
  probes: number;
  /** Answers `200` from delivery's /img/. */
  served: number;
  /** Probes that listed an object under the upload's prefixes in the public bucket. */
  listed: number;
}

const noExposure = (): Exposure => ({ probes: 0, served: 0, listed: 0 });

/** A JPEG carrying the EICAR string after its end (test/support/payloads.ts builds the string from parts at run time). */
const infectedJpeg = (clean: Buffer) => Buffer.concat([clean, EICAR]);

/** Where the public could read an asset: delivery's /img/, and the public bucket (read with the bench's keys). */
interface PublicPlaces {
  rig: Rig;
  deliveryBase: string;
  storage: ObjectStorage;
  publicBucket: string;
}

/** Each of `uploads` probed once where the public could read it, added to `exposure`. */
async function probeExposure(
  { rig, deliveryBase, storage, publicBucket }: PublicPlaces,
  uploads: readonly Tracked[],
  exposure: Exposure,
): Promise<void> {
  await Promise.all(
    uploads.map(async (t) => {
      const answer = await fetch(`${deliveryBase}/img/${t.id}/1/w_640`, { headers: { accept: 'image/webp' } });
      await answer.arrayBuffer();
      const pages = await Promise.all(
        [variantPrefix(rig.tenantId, t.id), deliveryAssetPrefix(rig.tenantId, t.id)].map((prefix) =>
          storage.listObjectsPage({ bucket: publicBucket, prefix, maxKeys: 1 }),
        ),
      );
      exposure.probes++;
      if (answer.status === 200) exposure.served++;
      if (pages.some((page) => page.objects.length > 0)) exposure.listed++;
    }),
  );
}

/** Records, for each tracked asset, when it first showed a final status. */
async function noteSettled(rig: Rig, tracked: readonly Tracked[]): Promise<void> {
  const rows = await rig.db
    .select({ id: assets.id, status: assets.status, moderation: assets.moderation })
    .from(assets)
    .where(eq(assets.tenantId, rig.tenantId));
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const t of tracked) {
    const now = byId.get(t.id);
    if (t.settledAt !== undefined || !now || !FINAL.has(now.status)) continue;
    Object.assign(t, { settledAt: Date.now(), status: now.status, moderation: now.moderation.state });
  }
}

/** Runs `work` every `everyMs` until `stop` resolves (each round awaited before the next). */
async function every(everyMs: number, stopped: { done: boolean }, work: () => Promise<void>): Promise<void> {
  while (!stopped.done) {
    const started = Date.now();
    await work();
    await sleep(Math.max(0, everyMs - (Date.now() - started)));
  }
}

/** clamd stopped and started RESTARTS times, every RESTART_PERIOD_MS, while uploads flow; always started again at the end. Returns when it last answered again. */
async function restartClamd(clamd: BenchClamd): Promise<number> {
  let lastStartedAt = Date.now();
  try {
    for (let i = 0; i < RESTARTS; i++) {
      await sleep(RESTART_PERIOD_MS - DOWN_MS);
      await clamd.stop();
      await sleep(DOWN_MS);
      await clamd.start();
      lastStartedAt = Date.now();
    }
    await sleep(TAIL_MS);
    return lastStartedAt;
  } finally {
    await clamd.start();
  }
}

/** What the run saw: every upload, the EICAR ones' probes throughout, the clean ones' once settled (the probes' control), and clamd's last start. */
interface RestartRun {
  tracked: Tracked[];
  exposure: Exposure;
  control: Exposure;
  lastStartedAt: number;
}

/** Uploads flowing (clean and EICAR in turn) while clamd restarts, the EICAR ones probed each second, until every upload settled. */
async function flowWhileRestarting(rig: Rig, places: PublicPlaces, clamd: BenchClamd): Promise<RestartRun> {
  const clean = await readFile(join(ROOT, 'fixtures/images/DSCN0010.jpg'));
  const files = [clean, infectedJpeg(clean)];
  const run: RestartRun = { tracked: [], exposure: noExposure(), control: noExposure(), lastStartedAt: 0 };
  const uploading = { done: false };
  const polling = { done: false };
  const uploads = every(UPLOAD_EVERY_MS, uploading, async () => {
    const infected = run.tracked.length % 2 === 1;
    const bytes = new Uint8Array(files[Number(infected)]!);
    const { asset } = await rig.tenant.uploadAndComplete(bytes, { filename: infected ? 'eicar.jpg' : 'clean.jpg', contentType: 'image/jpeg' });
    run.tracked.push({ id: asset.id, infected, completedAt: Date.now() });
  });
  const polls = every(POLL_EVERY_MS, polling, async () => {
    await Promise.all([
      probeExposure(
        places,
        run.tracked.filter((t) => t.infected),
        run.exposure,
      ),
      noteSettled(rig, run.tracked),
    ]);
  });
  try {
    run.lastStartedAt = await restartClamd(clamd).finally(() => (uploading.done = true));
    await uploads;
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while (run.tracked.some((t) => t.settledAt === undefined) && Date.now() < deadline) await sleep(POLL_EVERY_MS);
    // A last round of probes after everything settled: a rejection that published late would show here.
    await sleep(2 * POLL_EVERY_MS);
  } finally {
    uploading.done = true;
    polling.done = true;
    await Promise.allSettled([uploads, polls]);
  }
  await probeExposure(
    places,
    run.tracked.filter((t) => !t.infected && t.status === 'ready'),
    run.control,
  );
  return run;
}

/**
 * Goal 6: nothing unchecked published. A tenant with malware reject; clean photos and EICAR-carrying
 * JPEGs uploaded in turn, one a second, while the bench's clamd is stopped for 15 s of every 30 s,
 * RESTARTS times; every EICAR upload's public URL and public-bucket prefixes probed each second
 * throughout and after, and each clean one's once it is ready (they must be found: the probes work).
 */
export async function restartRows(clamd: BenchClamd): Promise<BenchRow[]> {
  const rig = await startRig(1, { CLAMD_HOST: clamd.host });
  try {
    await setPolicy(rig, MALWARE_ONLY);
    const delivery = await startDeliveryServer();
    try {
      const storageConfig = parseStorageConfig(benchEnv);
      const storage = createS3Storage(storageConfig);
      const places = { rig, deliveryBase: delivery.base, storage, publicBucket: storageConfig.publicBucket };
      return restartFigures(await flowWhileRestarting(rig, places, clamd));
    } finally {
      await stop(delivery.process);
    }
  } finally {
    await rig.close();
  }
}

const secondsOf = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function restartFigures({ tracked, exposure, control, lastStartedAt }: RestartRun): BenchRow[] {
  const infected = tracked.filter((t) => t.infected);
  const clean = tracked.filter((t) => !t.infected);
  const cleanReady = clean.filter((t) => t.status === 'ready' && t.moderation === 'clear').length;
  const rejected = infected.filter((t) => t.status === 'rejected').length;
  const stuck = tracked.filter((t) => t.settledAt === undefined).length;
  const settled = tracked.filter((t) => t.settledAt !== undefined);
  const waits = settled.map((t) => t.settledAt! - t.completedAt);
  const lastSettledAt = Math.max(...settled.map((t) => t.settledAt!));
  const what = `clamd stopped ${DOWN_MS / 1000} s of every ${RESTART_PERIOD_MS / 1000} s, ${RESTARTS}×, uploads flowing`;
  return [
    row(
      `${what}: clean → ready (scanned); EICAR → rejected; stuck`,
      `${cleanReady}/${clean.length}; ${rejected}/${infected.length}; ${stuck}`,
      '—',
      null,
      'all; all; 0',
      cleanReady === clean.length && rejected === infected.length && stuck === 0,
    ),
    row(
      `${what}: EICAR uploads' /img/ 200s; public-bucket objects found (of ${exposure.probes} probes; control: the clean ones')`,
      `${exposure.served}; ${exposure.listed}`,
      `${control.served}; ${control.listed} of ${control.probes}`,
      null,
      '0; 0',
      exposure.served === 0 && exposure.listed === 0 && control.served === control.probes && control.listed === control.probes,
    ),
    row(
      `${what}: complete→settled, longest (waited for clamd); p50; last settled after clamd's last start`,
      `${secondsOf(Math.max(...waits))}; ${secondsOf(median(waits))}; ${secondsOf(lastSettledAt - lastStartedAt)}`,
      '—',
      null,
      '—',
      null,
    ),
  ];
}
