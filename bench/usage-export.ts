import { spawn } from 'node:child_process';
import { METERS } from '@darkroom/core/contract/usage';
import { createDatabase } from '@darkroom/db/client';
import { ensureUsagePartitions } from '@darkroom/db/queries/usage';
import { sql } from 'drizzle-orm';
import { benchEnv, freePort, mb, memoryOf, prepareBench, sampleRss, spawnNode, stop, waitForHttp } from './support.js';
import { row, type BenchRow } from './table.js';

/** 1000 tenants × 100 days × 10 meters: the export goal's million rows. */
const TENANTS = 1000;
const DAYS = 100;
const EXPORT_METERS = METERS.slice(0, 10);
const FIRST_DAY = '2026-01-01';
const SECONDS_GOAL = 10;
/** What "the API's RSS flat" is held to: its peak during the export at most this far above its RSS before it. */
const RSS_GROWTH_GOAL_MB = 50;

const lastDay = () => new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + DAYS * 86_400_000);

/**
 * The million rows, written straight into usage_daily (the export reads it for `day`): the months'
 * partitions first, the tenants they belong to, then one generate_series statement.
 */
async function insertRows(): Promise<void> {
  const handle = createDatabase({ url: benchEnv.DATABASE_URL!, maxConnections: 1 });
  try {
    await handle.db.execute(sql`truncate usage_daily`);
    const months = Array.from({ length: Math.ceil(DAYS / 28) + 1 }, (_, i) => new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + i * 28 * 86_400_000));
    await ensureUsagePartitions(handle.db, months);
    await handle.db.execute(sql`insert into tenants (id, name) select gen_random_uuid(), 'usage-export-' || g from generate_series(1, ${TENANTS}) g`);
    await handle.db.execute(sql`
      insert into usage_daily (tenant_id, day, meter, value)
      select t.id, ${FIRST_DAY}::date + d, m.meter, round((random() * 1e9)::numeric, 3)
      from tenants t
      cross join generate_series(0, ${DAYS - 1}) d
      cross join unnest(string_to_array(${EXPORT_METERS.join(',')}, ',')) as m(meter)
      where t.name like 'usage-export-%'`);
    await handle.db.execute(sql`analyze usage_daily`);
  } finally {
    await handle.close();
  }
}

/** The newlines in a chunk, found by indexOf: a loop over its bytes in JS cost the bench's side seconds of the shared cores. */
function newlines(chunk: Uint8Array): number {
  let count = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) count++;
  return count;
}

/** Reads a streamed answer to its end, counting its lines, without keeping it. */
async function readLines(response: Response): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  for await (const chunk of response.body!) {
    bytes += chunk.byteLength;
    lines += newlines(chunk);
  }
  return { lines, bytes };
}

/** Postgres's own `COPY … TO STDOUT` of the same rows, through psql, its output counted and thrown away. */
function copyBaseline(): Promise<{ ms: number; lines: number }> {
  const query = `copy (select tenant_id, day, meter, value from usage_daily where day >= '${FIRST_DAY}' and day < '${lastDay().toISOString().slice(0, 10)}' order by day, tenant_id, meter) to stdout with (format csv, header)`;
  const started = performance.now();
  const psql = spawn('psql', [benchEnv.DATABASE_URL!, '-X', '-q', '-c', query], { stdio: ['ignore', 'pipe', 'inherit'] });
  let lines = 0;
  psql.stdout.on('data', (chunk: Buffer) => {
    lines += newlines(chunk);
  });
  return new Promise((resolve, reject) =>
    psql.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - started, lines }) : reject(new Error(`psql exited ${code}`)))),
  );
}

/**
 * `GET /v1/admin/usage?format=csv` of a million daily rows, timed to its last byte with the API's
 * RSS sampled meanwhile, beside psql's COPY of the same rows.
 */
export async function exportRows(): Promise<BenchRow[]> {
  await prepareBench('bench-usage-export');
  await insertRows();
  const port = await freePort();
  const api = spawnNode(['apps/api/dist/main.js'], { ...benchEnv, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`);
    const query = new URLSearchParams({ from: `${FIRST_DAY}T00:00:00Z`, to: lastDay().toISOString(), granularity: 'day', format: 'csv' });
    const exportOnce = async () => {
      const started = performance.now();
      const response = await fetch(`${base}/v1/admin/usage?${query}`, { headers: { authorization: `Bearer ${benchEnv.ADMIN_TOKEN}` } });
      if (response.status !== 200)
        throw new Error(`GET /v1/admin/usage: ${response.status} ${await response.text()} (waits on the usage export route)`);
      return { ...(await readLines(response)), ms: performance.now() - started };
    };
    const copy = await copyBaseline();
    console.log(`    psql COPY of the same rows: ${(copy.ms / 1000).toFixed(1)} s, ${copy.lines - 1} rows`);
    // One export to warm up (plans, code paths), as a running API would be.
    await exportOnce();
    const restMb = memoryOf(api.pid!).rssMb;
    const { result, peakRssMb } = await sampleRss(api.pid!, exportOnce(), 50);
    const rows = TENANTS * DAYS * EXPORT_METERS.length;
    // A header line, or none: either way every row must be there.
    const exported = result.lines === rows + 1 ? rows : result.lines;
    const growth = peakRssMb - restMb;
    return [
      row(
        `usage export of ${rows / 1e6} M rows (CSV) vs psql COPY`,
        `${(result.ms / 1000).toFixed(1)} s (${exported} rows, ${mb(result.bytes / 2 ** 20)})`,
        `${(copy.ms / 1000).toFixed(1)} s (${copy.lines - 1} rows)`,
        result.ms / copy.ms,
        `≤ ${SECONDS_GOAL} s`,
        result.ms <= SECONDS_GOAL * 1000 && exported === rows,
      ),
      row(
        'usage export: API RSS before → peak during',
        `${mb(restMb)} → ${mb(peakRssMb)}`,
        '—',
        null,
        `+ ≤ ${RSS_GROWTH_GOAL_MB} MB`,
        growth <= RSS_GROWTH_GOAL_MB,
      ),
    ];
  } finally {
    await stop(api);
  }
}
