import { both, CONNECTIONS, cpuPerRequest, load, type LoadResult, rps, WARMUP_SECONDS } from './load.js';
import { benchEnv, freePort, mb, memoryOf, prepareBench, sampleRss, spawnNode, startBareServer, stop, waitForHttp } from './support.js';
import { runPresignBench } from './presign.js';
import { ratio, type BenchRow } from './table.js';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 8);

/** The body of every `POST /v1/uploads` a load sends. */
export const UPLOAD = JSON.stringify({ filename: 'photo.jpg', contentType: 'image/jpeg', size: 2_000_000 });

export async function runApiBench(): Promise<BenchRow[]> {
  const { apiKey } = await prepareBench('bench-api');
  const apiPort = await freePort();
  // BENCH_CPU_PROF=<dir>: the API writes a V8 CPU profile of the whole run there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const api = spawnNode([...profile, 'apps/api/dist/main.js'], { ...benchEnv, HOST: '127.0.0.1', PORT: String(apiPort) });
  const { child: baseline, url: baseUrl } = await startBareServer();
  try {
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${apiUrl}/healthz`);
    console.log(`api bench: ${CONNECTIONS} connections, 2 × ${SECONDS} s per side (A, B, B, A) after ${WARMUP_SECONDS} s of warm-up`);

    const upload = (seconds: number) => load(`${apiUrl}/v1/uploads`, { serverPid: api.pid!, method: 'POST', body: UPLOAD, token: apiKey, seconds });
    const insert = (seconds: number) => load(`${baseUrl}/baseline/uploads`, { serverPid: baseline.pid!, method: 'POST', body: UPLOAD, seconds });
    await upload(WARMUP_SECONDS);
    await insert(WARMUP_SECONDS);
    const restRssMb = memoryOf(api.pid!).rssMb;
    // A, B, B, A: the database grows and checkpoints as the run goes on, so neither side always goes second.
    const { result: apiUpload1, peakRssMb } = await sampleRss(api.pid!, upload(SECONDS));
    const bareInsert = both(await insert(SECONDS), await insert(SECONDS));
    const apiUpload = both(apiUpload1, await upload(SECONDS));

    const started = await fetch(`${apiUrl}/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: UPLOAD,
    });
    const assetId = ((await started.json()) as { asset: { id: string } }).asset.id;
    const baseId = ((await (await fetch(`${baseUrl}/baseline/ids`)).json()) as string[])[0]!;
    const get = (seconds: number) => load(`${apiUrl}/v1/assets/${assetId}`, { serverPid: api.pid!, token: apiKey, seconds });
    const select = (seconds: number) => load(`${baseUrl}/baseline/assets/${baseId}`, { serverPid: baseline.pid!, seconds });
    await get(WARMUP_SECONDS);
    await select(WARMUP_SECONDS);
    const apiGet1 = await get(SECONDS);
    const bareSelect = both(await select(SECONDS), await select(SECONDS));
    const apiGet = both(apiGet1, await get(SECONDS));

    const cpu = (r: LoadResult) => `${Math.round(cpuPerRequest(r))} µs`;
    const cpuRow = (metric: string, ours: LoadResult, bare: LoadResult): BenchRow => ({
      metric,
      darkroom: cpu(ours),
      baseline: cpu(bare),
      ratio: ratio(cpuPerRequest(ours) / cpuPerRequest(bare)),
      goal: '—',
      met: '—',
    });
    const upRatio = apiUpload.rps / bareInsert.rps;
    const getRatio = apiGet.rps / bareSelect.rps;
    return [
      {
        metric: 'POST /v1/uploads vs bare INSERT',
        darkroom: rps(apiUpload),
        baseline: rps(bareInsert),
        ratio: ratio(upRatio),
        goal: '≥ 0.70×',
        met: upRatio >= 0.7 ? 'yes' : 'no',
      },
      {
        metric: 'POST /v1/uploads p99',
        darkroom: `${apiUpload.p99} ms`,
        baseline: `${bareInsert.p99} ms`,
        ratio: '—',
        goal: '≤ 25 ms',
        met: apiUpload.p99 <= 25 ? 'yes' : 'no',
      },
      cpuRow('POST /v1/uploads server CPU per request', apiUpload, bareInsert),
      {
        metric: 'GET /v1/assets/:id vs bare SELECT',
        darkroom: rps(apiGet),
        baseline: rps(bareSelect),
        ratio: ratio(getRatio),
        goal: '≥ 0.70×',
        met: getRatio >= 0.7 ? 'yes' : 'no',
      },
      { metric: 'GET /v1/assets/:id p99', darkroom: `${apiGet.p99} ms`, baseline: `${bareSelect.p99} ms`, ratio: '—', goal: '—', met: '—' },
      cpuRow('GET /v1/assets/:id server CPU per request', apiGet, bareSelect),
      await runPresignBench(),
      { metric: 'API RSS at rest', darkroom: mb(restRssMb), baseline: '—', ratio: '—', goal: '—', met: '—' },
      { metric: 'API RSS under upload load (peak)', darkroom: mb(peakRssMb), baseline: '—', ratio: '—', goal: '—', met: '—' },
    ];
  } finally {
    await Promise.all([stop(api), stop(baseline)]);
  }
}
