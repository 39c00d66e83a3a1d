import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApiKey } from '@darkroom/db/queries/api-keys';
import { createDatabase } from '@darkroom/db/client';
import { createTenant } from '@darkroom/db/queries/tenants';
import { migrateDatabase } from '@darkroom/db/migrate';
import { createS3Storage, parseStorageConfig } from '@darkroom/storage';
import postgres from 'postgres';
import { hasPgBackRest, startArchivedCluster, TempCluster } from '../test/support/pg-cluster.js';
import { CONNECTIONS, load, type LoadResult, WARMUP_SECONDS } from './load.js';
import { benchEnv, freePort, prepareBench, ROOT, spawnNode, stop, waitForHttp } from './support.js';
import { ratio, type BenchRow } from './table.js';

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_BACKUP_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_BACKUP_ROUNDS ?? 4);
const UPLOAD = JSON.stringify({ filename: 'photo.jpg', contentType: 'image/jpeg', size: 2_000_000 });
/** The repository's bucket; each run writes under a prefix of its own and removes it at the end. */
const REPOSITORY_BUCKET = `${benchEnv.S3_BUCKET!.replace(/-originals$/, '')}-pg-backups`;

interface Deployment {
  api: ChildProcess;
  url: string;
  apiKey: string;
  cluster: TempCluster;
}

/** The API on a cluster of its own: a migrated database, a tenant and its key. */
async function deploy(cluster: TempCluster, name: string): Promise<Deployment> {
  const admin = cluster.sql();
  await admin.unsafe('create database darkroom_bench');
  await admin.end();
  const databaseUrl = `postgres://postgres@127.0.0.1:${cluster.port}/darkroom_bench`;
  await migrateDatabase(databaseUrl);
  const handle = createDatabase({ url: databaseUrl, maxConnections: 1 });
  const tenant = await createTenant(handle.db, { name });
  const { apiKey } = await createApiKey(handle.db, { tenantId: tenant.id, kind: 'tenant' });
  await handle.close();
  const port = await freePort();
  const env = { ...benchEnv, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port), QUEUE_PREFIX: `{darkroom-bench-${name}}` };
  const api = spawnNode(['apps/api/dist/main.js'], env);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`);
  return { api, url, apiKey, cluster };
}

/**
 * Where the cluster's WAL stands, how many uploads its database holds, and the CPU seconds its
 * archiver's children (each `pgbackrest archive-push`, waited for) have used so far.
 */
async function walPosition(cluster: TempCluster): Promise<{ lsn: string; uploads: number; archiveCpu: number }> {
  const sql = postgres({ host: '127.0.0.1', port: cluster.port, user: 'postgres', database: 'darkroom_bench', max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ lsn: string; uploads: number; archiver: number | null }[]>`
      select pg_current_wal_lsn()::text as lsn, (select count(*)::int from assets) as uploads,
        (select pid from pg_stat_activity where backend_type = 'archiver') as archiver`;
    const stat = row!.archiver ? readFileSync(`/proc/${row!.archiver}/stat`, 'utf8') : '';
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // cutime and cstime, in clock ticks of 1/100 s.
    const archiveCpu = stat ? (Number(fields[13]) + Number(fields[14])) / 100 : 0;
    return { lsn: row!.lsn, uploads: row!.uploads, archiveCpu };
  } finally {
    await sql.end();
  }
}

/**
 * Backup overhead on upload start: `POST /v1/uploads` under the API bench's load against two
 * clusters the bench makes, alike but for WAL archiving with pgBackRest to a repository on the S3
 * server (after a first full backup), in the order on, off, off, on. Then the WAL the archived
 * cluster wrote per 1,000 uploads, and the bytes that reached the repository for it.
 */
export async function runBackupBench(): Promise<BenchRow[]> {
  if (!hasPgBackRest) {
    console.log('backup bench: skipped, pgbackrest is not installed (scripts/test-tools.sh installs it)');
    return [];
  }
  await prepareBench('bench-backup');
  const storageConfig = parseStorageConfig(benchEnv);
  const prefix = `/bench-${Date.now()}`;
  const archived = await startArchivedCluster({
    bucket: REPOSITORY_BUCKET,
    prefix,
    cipherPass: 'bench-backup-cipher-0123456789abcdef',
    s3: { endpoint: storageConfig.endpoint, accessKeyId: storageConfig.accessKeyId, secretAccessKey: storageConfig.secretAccessKey },
  });
  const plain = await TempCluster.create({});
  const storage = createS3Storage(storageConfig);
  const deployments: Deployment[] = [];
  try {
    await plain.start();
    const on = await deploy(archived.cluster, 'backup-on');
    const off = await deploy(plain, 'backup-off');
    deployments.push(on, off);
    const script = join(ROOT, 'packages/db/dist/backup/backup-cli.js');
    await run(process.execPath, [script, '--type=full'], { cwd: ROOT, env: { ...process.env, ...archived.env }, maxBuffer: 32 * 1024 * 1024 });
    console.log(
      `backup bench: ${CONNECTIONS} connections, ${2 * ROUNDS} × ${SECONDS} s per side (archiving on, off, off, on, ${ROUNDS} times) after ${WARMUP_SECONDS} s of warm-up`,
    );

    const upload = (d: Deployment, seconds: number) =>
      load(`${d.url}/v1/uploads`, { serverPid: d.api.pid!, method: 'POST', body: UPLOAD, token: d.apiKey, seconds });
    await upload(on, WARMUP_SECONDS);
    await upload(off, WARMUP_SECONDS);
    await archived.cluster.archiveNow();
    const shippedBytes = async () => {
      let bytes = 0;
      for await (const o of storage.listObjects({ bucket: REPOSITORY_BUCKET, prefix: `${prefix.slice(1)}/archive/` })) bytes += o.size;
      return bytes;
    };
    const [before, shippedBefore] = [await walPosition(archived.cluster), await shippedBytes()];
    // A segment is archived every ~16 MiB of WAL, so the cost comes in bursts: several rounds of on, off, off, on even them out.
    const runs: { on: LoadResult[]; off: LoadResult[] } = { on: [], off: [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.on.push(await upload(on, SECONDS));
      runs.off.push(await upload(off, SECONDS), await upload(off, SECONDS));
      runs.on.push(await upload(on, SECONDS));
    }
    const meanRps = (results: LoadResult[]) => results.reduce((sum, r) => sum + r.rps, 0) / results.length;
    const rates = (results: LoadResult[]) => results.map((r) => Math.round(r.rps)).join(', ');
    console.log(`backup: archiving on ${rates(runs.on)} req/s; off ${rates(runs.off)} req/s`);
    const [withArchiving, bare] = [meanRps(runs.on), meanRps(runs.off)];
    const after = await walPosition(archived.cluster);
    await archived.cluster.archiveNow();
    const archiveCpu = (await walPosition(archived.cluster)).archiveCpu - before.archiveCpu;
    const apiCpu = runs.on.reduce((sum, r) => sum + r.serverCpuSeconds, 0);
    const shipped = (await shippedBytes()) - shippedBefore;
    const sql = archived.cluster.sql();
    const [diff] = await sql<{ bytes: string }[]>`select pg_wal_lsn_diff(${after.lsn}::pg_lsn, ${before.lsn}::pg_lsn)::bigint::text as bytes`;
    await sql.end();
    const uploads = after.uploads - before.uploads;
    const perThousand = (bytes: number) => `${(((bytes / uploads) * 1000) / 2 ** 20).toFixed(2)} MiB`;
    const overhead = withArchiving / bare;
    console.log(`backup: ${uploads} uploads on the archived cluster wrote ${diff!.bytes} bytes of WAL; ${shipped} bytes reached the repository`);
    return [
      {
        metric: 'POST /v1/uploads, WAL archived to S3 (pgBackRest) vs not',
        darkroom: `${Math.round(withArchiving)} req/s`,
        baseline: `${Math.round(bare)} req/s`,
        ratio: ratio(overhead),
        goal: '≥ 0.95×',
        met: overhead >= 0.95 ? 'yes' : 'no',
      },
      {
        metric: 'CPU of WAL archiving per 1,000 uploads (baseline: the API process)',
        darkroom: `${Math.round((archiveCpu / uploads) * 1e6)} ms`,
        baseline: `${Math.round((apiCpu / uploads) * 1e6)} ms`,
        ratio: ratio(archiveCpu / apiCpu),
        goal: '—',
        met: '—',
      },
      {
        metric: 'WAL written per 1,000 uploads (archived cluster)',
        darkroom: perThousand(Number(diff!.bytes)),
        baseline: '—',
        ratio: '—',
        goal: '—',
        met: '—',
      },
      {
        metric: 'WAL shipped per 1,000 uploads (compressed, encrypted)',
        darkroom: perThousand(shipped),
        baseline: '—',
        ratio: '—',
        goal: '—',
        met: '—',
      },
    ];
  } finally {
    await Promise.all(deployments.map((d) => stop(d.api)));
    await archived.destroy();
    await plain.destroy();
    await storage.deletePrefix({ bucket: REPOSITORY_BUCKET, prefix: `${prefix.slice(1)}/` }).catch(() => {});
  }
}
