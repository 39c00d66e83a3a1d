/**
 * `npm run bench -- --only qauto` (or `npx tsx bench/qauto.ts`): issue 61's `q_auto` goals.
 * *Bytes and distance*: bench/qauto-calibrate.ts's grid (the fixture photos and the drawn graphics,
 * 3 widths × JPEG/WebP/AVIF), every output scored by Debian's `butteraugli_main` (its 3-norm) against
 * the source resized by sharp to the output's size, each level beside the fixed default quality.
 * *Renders*: camera photos through the API and a worker, then one delivery process: each photo's
 * first request at the fixed quality and at `q_auto` (other assets, so both are first renders and
 * neither meets the other's original in memory), one photo at a time, in alternating order; then
 * each URL again (stored) a few times. BENCH_QAUTO=renders|bytes runs one piece.
 */
import { fileURLToPath } from 'node:url';
import type { AutoQualityFormat } from '@darkroom/media';
import { median } from '../test/support/flood.js';
import { startDeliveryServer } from './delivery-peers.js';
import { type Case, calibrate, report, sum } from './qauto-calibrate.js';
import { settleBench, step } from './support.js';
import { printTable, row, type BenchRow } from './table.js';
import { cameraPhotos } from './worker-inputs.js';
import { startRig, upload } from './worker-rig.js';

const PHOTOS = Number(process.env.BENCH_QAUTO_PHOTOS ?? 6);
const FORMATS: readonly AutoQualityFormat[] = ['jpeg', 'webp', 'avif'];
const MODES = ['fixed', 'auto'] as const;
type Mode = (typeof MODES)[number];
const WIDTH = 640;
const REPEATS = 5;

/** Issue 61's goals for q_auto-good and q_auto-eco against the fixed default. */
const GOALS = { goodBytes: 0.85, goodMedian: 1.05, ecoBytes: 0.7, firstRender: 2.5 };

const fmt = (value: number, digits = 2) => value.toFixed(digits);
const kb = (bytes: number) => `${Math.round(bytes / 1024)} kB`;
const ms = (value: number) => `${Math.round(value)} ms`;

function bytesRows(cases: readonly Case[]): BenchRow[] {
  const photos = new Set(cases.filter((c) => c.set === 'photos').map((c) => c.name)).size;
  const drawn = new Set(cases.filter((c) => c.set === 'graphics').map((c) => c.name)).size;
  const fixedBytes = sum(cases.map((c) => c.fixed.bytes));
  const bytesOf = (level: 'good' | 'eco') => sum(cases.map((c) => c.levels[level].bytes));
  const fixedMedian = median(cases.map((c) => c.fixed.score));
  const goodMedian = median(cases.map((c) => c.levels.good.score));
  const fixedWorst = Math.max(...cases.map((c) => c.fixed.score));
  const goodWorst = Math.max(...cases.map((c) => c.levels.good.score));
  const graphics = cases.filter((c) => c.set === 'graphics');
  const worse = graphics.filter((c) => c.levels.good.score > c.fixed.score).length;
  const set = `${photos} photos + ${drawn} graphics × 3 widths × JPEG/WebP/AVIF, ${cases.length} outputs`;
  const good = bytesOf('good') / fixedBytes;
  const eco = bytesOf('eco') / fixedBytes;
  return [
    row(
      `q_auto-good bytes vs the fixed default (${set})`,
      kb(bytesOf('good')),
      kb(fixedBytes),
      good,
      `≤ ${fmt(GOALS.goodBytes)}×`,
      good <= GOALS.goodBytes,
    ),
    row(
      'q_auto-good median butteraugli 3-norm vs the fixed default',
      fmt(goodMedian, 3),
      fmt(fixedMedian, 3),
      goodMedian / fixedMedian,
      `≤ ${fmt(GOALS.goodMedian)}×`,
      goodMedian <= fixedMedian * GOALS.goodMedian,
    ),
    row(
      "q_auto-good worst 3-norm vs the fixed default's worst",
      fmt(goodWorst, 3),
      fmt(fixedWorst, 3),
      goodWorst / fixedWorst,
      '≤ 1.00×',
      goodWorst <= fixedWorst,
    ),
    row('q_auto-eco bytes vs the fixed default', kb(bytesOf('eco')), kb(fixedBytes), eco, `≤ ${fmt(GOALS.ecoBytes)}×`, eco <= GOALS.ecoBytes),
    row("q_auto-good graphics outputs whose 3-norm passes their fixed twin's", `${worse} of ${graphics.length}`, '—', null, '0', worse === 0),
  ];
}

interface RenderTimes {
  first: Record<AutoQualityFormat, Record<Mode, number[]>>;
  repeated: Record<AutoQualityFormat, Record<Mode, number[]>>;
}

/** One GET, its body read; refuses anything but a 200 of the format asked for. */
async function timedGet(url: string, format: AutoQualityFormat): Promise<number> {
  const started = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  const took = performance.now() - started;
  if (res.status !== 200 || res.headers.get('content-type') !== `image/${format}`)
    throw new Error(`${url}: ${res.status} ${res.headers.get('content-type')}`);
  return took;
}

const emptyTimes = () => Object.fromEntries(FORMATS.map((f) => [f, { fixed: [] as number[], auto: [] as number[] }])) as RenderTimes['first'];

/** Every photo uploaded once per format and mode, the tenant's policy opened to `q_auto`, then the renders. */
async function renderTimes(): Promise<RenderTimes> {
  // One more than measured: the last warms the delivery process up and is not counted.
  const photos = await cameraPhotos(PHOTOS + 1);
  const rig = await startRig(1);
  const assets = new Map<string, { id: string; revision: number }>();
  const nameOf = (photo: string, format: AutoQualityFormat, mode: Mode) => `${photo}:${format}:${mode}`;
  try {
    const res = await rig.admin.raw('PATCH', `/v1/admin/tenants/${rig.tenantId}`, { delivery: { qualities: [75, 'auto'] } });
    if (res.status !== 200) throw new Error(`PATCH /v1/admin/tenants/:id { delivery }: ${res.status}`);
    for (const photo of photos) {
      for (const format of FORMATS) for (const mode of MODES) assets.set(nameOf(photo.path, format, mode), (await upload(rig, photo)).asset);
    }
    for (const { id } of assets.values()) await rig.tenant.waitForStatus(id, 'ready', 300_000);
  } finally {
    await rig.close();
  }
  const { base, process: child } = await startDeliveryServer();
  const urlOf = (photo: string, format: AutoQualityFormat, mode: Mode) => {
    const asset = assets.get(nameOf(photo, format, mode))!;
    return `${base}/img/${asset.id}/${asset.revision ?? 1}/w_${WIDTH},q_${mode === 'auto' ? 'auto' : 75},f_${format}`;
  };
  const first = emptyTimes();
  const repeated = emptyTimes();
  try {
    const warmUp = photos.at(-1)!.path;
    for (const format of FORMATS) for (const mode of MODES) await timedGet(urlOf(warmUp, format, mode), format);
    for (const [i, photo] of photos.slice(0, -1).entries()) {
      for (const format of FORMATS) {
        for (const mode of i % 2 === 0 ? MODES : [...MODES].reverse()) {
          settleBench();
          first[format][mode].push(await timedGet(urlOf(photo.path, format, mode), format));
        }
      }
    }
    for (const photo of photos.slice(0, -1)) {
      for (const format of FORMATS) {
        for (const mode of MODES)
          for (let r = 0; r < REPEATS; r++) repeated[format][mode].push(await timedGet(urlOf(photo.path, format, mode), format));
      }
    }
  } finally {
    child.kill('SIGTERM');
  }
  return { first, repeated };
}

function renderRows({ first, repeated }: RenderTimes): BenchRow[] {
  return FORMATS.flatMap((format) => {
    const [auto, fixed] = [median(first[format].auto), median(first[format].fixed)];
    const [again, fixedAgain] = [median(repeated[format].auto), median(repeated[format].fixed)];
    return [
      row(
        `q_auto first render p50 vs q_75's, ${WIDTH} px ${format.toUpperCase()} (${PHOTOS} camera photos)`,
        ms(auto),
        ms(fixed),
        auto / fixed,
        `≤ ${fmt(GOALS.firstRender)}×`,
        auto <= fixed * GOALS.firstRender,
      ),
      row(
        `q_auto repeated request p50 vs q_75's, ${format.toUpperCase()} (stored)`,
        `${fmt(again, 1)} ms`,
        `${fmt(fixedAgain, 1)} ms`,
        again / fixedAgain,
        '—',
        null,
      ),
    ];
  });
}

export async function runQautoBench(): Promise<BenchRow[]> {
  const piece = process.env.BENCH_QAUTO;
  const rows: BenchRow[] = [];
  if (piece !== 'bytes') rows.push(...renderRows(await step('first and repeated renders', renderTimes)));
  if (piece !== 'renders') {
    const cases = await step('q_auto and the fixed quality scored by butteraugli', calibrate);
    report(cases);
    rows.push(...bytesRows(cases));
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printTable(await runQautoBench());
}
