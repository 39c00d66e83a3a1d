/**
 * `npm run bench -- --only usage`, or alone: `npx tsx bench/usage.ts` (after a build). The usage goals
 * of issue 60, each the same build with USAGE_METERING=on beside USAGE_METERING=off in the same run,
 * the bench's tenant with every quota set (so the reservations and quota counters are paid):
 *
 *   uploads   POST /v1/uploads' rate, one API process of each side, each first, second and third in turn
 *   worker    worker throughput on the camera photos, one rig of each side in turn (off, on, on, off, on, off, off, on)
 *   delivery  the delivery server's repeated request under wrk, one process of each side in turn
 *   export    GET /v1/admin/usage?format=csv of a million rows, beside psql's COPY of them (bench/usage-export.ts)
 *
 * BENCH_USAGE=<piece> runs one piece.
 */
import { QUOTAS, type TenantQuotas } from '@darkroom/core/contract/usage';
import { TestApi } from '../test/support/client.js';
import { UPLOAD } from './api.js';
import { QUALITY, startDeliveryServer, WIDTH } from './delivery-peers.js';
import { load, loadInTurn, type LoadResult, meanOf, rps, WARMUP_SECONDS } from './load.js';
import { startRun, writeResults } from './results.js';
import { benchEnv, freePort, prepareBench, spawnNode, step, stop, waitForHttp } from './support.js';
import { printTable, row, type BenchRow } from './table.js';
import { exportRows } from './usage-export.js';
import { cameraPhotos } from './worker-inputs.js';
import { pipelinePass, startRig, type Timed, upload, waitForFinished } from './worker-rig.js';

const SECONDS = Number(process.env.BENCH_USAGE_SECONDS ?? 8);
const PHOTOS = Number(process.env.BENCH_USAGE_PHOTOS ?? 24);
const METERING = (side: 'on' | 'off') => ({ USAGE_METERING: side });

/** Every quota set, far above what a bench spends: each is checked and counted, none is reached. */
const FAR: TenantQuotas = Object.fromEntries(QUOTAS.map((q) => [q, 10 ** 15]));

/** Sets the tenant's quotas through the admin API, as an operator does; refuses to go on without them. */
async function setQuotas(admin: TestApi, tenantId: string): Promise<void> {
  const res = await admin.raw('PATCH', `/v1/admin/tenants/${tenantId}`, { quotas: FAR });
  if (res.status !== 200) throw new Error(`PATCH /v1/admin/tenants/:id { quotas }: ${res.status} ${JSON.stringify(res.body)} (waits on the quotas)`);
}

/**
 * `POST /v1/uploads` with metering on against off: an API process of each, loaded in turn (A, B, C,
 * B, C, A, C, A, B). Beside the goal's tenant with quotas, another without any on the metered process: what
 * the reservations cost apart from the rest of metering.
 */
async function uploadRows(): Promise<BenchRow[]> {
  const { apiKey, tenantId } = await prepareBench('bench-usage');
  const start = async (side: 'on' | 'off') => {
    const port = await freePort();
    const child = spawnNode(['apps/api/dist/main.js'], { ...benchEnv, ...METERING(side), HOST: '127.0.0.1', PORT: String(port) });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    return { child, url: `http://127.0.0.1:${port}` };
  };
  const [on, off] = [await start('on'), await start('off')];
  try {
    const admin = new TestApi(on.url, benchEnv.ADMIN_TOKEN);
    await setQuotas(admin, tenantId);
    const unlimited = (await admin.createTenant('bench-usage-no-quotas')).apiKey;
    const post = (api: typeof on, token: string) => (seconds: number) =>
      load(`${api.url}/v1/uploads`, { serverPid: api.child.pid!, method: 'POST', body: UPLOAD, token, seconds });
    const sides = [post(on, apiKey), post(on, unlimited), post(off, apiKey)];
    for (const side of sides) await side(WARMUP_SECONDS);
    // Each side once in each place of a pass (A B C, B C A, C A B): the first load after another
    // side's ran slower here (Postgres's autovacuum of the uploads just written), whichever it was.
    const runs: LoadResult[][] = sides.map(() => []);
    for (let pass = 0; pass < sides.length; pass++) {
      for (let k = 0; k < sides.length; k++) {
        const i = (pass + k) % sides.length;
        runs[i]!.push(await sides[i]!(SECONDS));
      }
    }
    const [onBoth, noQuotasBoth, offBoth] = runs.map(meanOf) as [LoadResult, LoadResult, LoadResult];
    const ratio = onBoth.rps / offBoth.rps;
    return [
      row('usage: POST /v1/uploads, metering on (quotas set) vs off', rps(onBoth), rps(offBoth), ratio, '≥ 0.95×', ratio >= 0.95),
      row('usage: POST /v1/uploads p99, metering on (quotas set) vs off', `${onBoth.p99} ms`, `${offBoth.p99} ms`, null, '—', null),
      row('usage: POST /v1/uploads, metering on (no quota) vs off', rps(noQuotasBoth), rps(offBoth), noQuotasBoth.rps / offBoth.rps, '—', null),
    ];
  } finally {
    await Promise.all([stop(on.child), stop(off.child)]);
  }
}

/** One pass of the camera photos on a rig of one side (its API and worker), after one photo to warm up. */
async function workerPass(side: 'on' | 'off'): Promise<Timed> {
  const photos = await cameraPhotos(PHOTOS);
  const rig = await startRig(1, METERING(side), METERING(side));
  try {
    await setQuotas(rig.admin, rig.tenantId);
    await upload(rig, photos[0]!);
    await waitForFinished(rig, 1);
    return await pipelinePass(rig, photos);
  } finally {
    await rig.close();
  }
}

/**
 * The passes of each side, in rounds of four: off, on, on, off, then on, off, off, on, and so on.
 * The machine's speed drifts over a run by more than metering costs, so each side takes each place in
 * turn, and more rounds (BENCH_USAGE_WORKER_ROUNDS) narrow the spread.
 */
const WORKER_ROUNDS = Number(process.env.BENCH_USAGE_WORKER_ROUNDS ?? 2);
const roundOrder = (round: number): ('on' | 'off')[] => (round % 2 === 0 ? ['off', 'on', 'on', 'off'] : ['on', 'off', 'off', 'on']);

/** Worker throughput, metering on against off: each side the sum of its passes (WORKER_ROUNDS rounds of two each). */
async function workerRows(): Promise<BenchRow[]> {
  const total = { on: 0, off: 0 };
  for (let round = 0; round < WORKER_ROUNDS; round++) {
    for (const side of roundOrder(round)) total[side] += (await workerPass(side)).ms;
  }
  const { on, off } = total;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    row(
      `usage: worker throughput, ${PHOTOS} camera photos × ${2 * WORKER_ROUNDS}, metering on vs off (time)`,
      seconds(on),
      seconds(off),
      off / on,
      '≥ 0.98×',
      off / on >= 0.98,
    ),
  ];
}

/**
 * The delivery server's repeated request (a stored render, as bench/delivery.ts measures it) with
 * metering on against off: one photo made ready, then a delivery process of each side under wrk.
 */
async function deliveryRows(): Promise<BenchRow[]> {
  const [photo] = await cameraPhotos(1);
  const rig = await startRig(1, METERING('on'), METERING('on'));
  let asset: { id: string; revision?: number | undefined };
  try {
    await setQuotas(rig.admin, rig.tenantId);
    asset = (await upload(rig, photo!)).asset;
    await rig.tenant.waitForStatus(asset.id, 'ready', 120_000);
  } finally {
    await rig.close();
  }
  const servers = { on: await startDeliveryServer(METERING('on')), off: await startDeliveryServer(METERING('off')) };
  try {
    const urlOf = (base: string) => `${base}/img/${asset.id}/${asset.revision ?? 1}/w_${WIDTH},q_${QUALITY},f_webp`;
    // The first request renders and stores it; every later one, on either side, is served as stored.
    for (const { base } of Object.values(servers)) await (await fetch(urlOf(base))).arrayBuffer();
    const loads = await loadInTurn(
      (['on', 'off'] as const).map((side) => ({ name: side, url: urlOf(servers[side].base), serverPid: servers[side].process.pid! })),
      SECONDS,
    );
    const [on, off] = [loads.get('on')!, loads.get('off')!];
    return [
      row('usage: delivery repeated request, metering on vs off', rps(on), rps(off), on.rps / off.rps, '≥ 0.95×', on.rps / off.rps >= 0.95),
      row('usage: delivery repeated request p99, metering on vs off', `${on.p99} ms`, `${off.p99} ms`, null, '—', null),
    ];
  } finally {
    await Promise.all([stop(servers.on.process), stop(servers.off.process)]);
  }
}

const PIECES: Record<string, () => Promise<BenchRow[]>> = { uploads: uploadRows, worker: workerRows, delivery: deliveryRows, export: exportRows };

export async function runUsageBench(): Promise<BenchRow[]> {
  const only = process.env.BENCH_USAGE;
  if (only && !(only in PIECES)) throw new Error(`BENCH_USAGE=${only}: one of ${Object.keys(PIECES).join(', ')}`);
  const rows: BenchRow[] = [];
  for (const [name, piece] of Object.entries(PIECES)) {
    if (only && only !== name) continue;
    let pieceRows: BenchRow[];
    try {
      pieceRows = await step(name, piece);
    } catch (error) {
      // One piece that cannot run (a route or setting its helpers have not merged) costs only its own rows.
      console.error(`usage piece ${name} failed:`, error);
      pieceRows = [row(`usage: ${name}: the piece failed (see its error above)`, '—', '—', null, '—', false)];
    }
    // Each piece's figures as it ends: a later piece that fails or is stopped costs only its own.
    for (const r of pieceRows) console.log(`    ${r.metric}: ${r.darkroom} (baseline ${r.baseline}, ${r.ratio}, goal ${r.goal}: ${r.met})`);
    rows.push(...pieceRows);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const start = startRun();
  const rows = await runUsageBench();
  printTable(rows);
  console.log(`\nrecorded in ${await writeResults('usage', start, rows)}`);
}
