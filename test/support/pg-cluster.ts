import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from './services.js';
import { TlsTunnel } from './tls-tunnel.js';

const run = promisify(execFile);
const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/**
 * A Postgres cluster of the test's own, in a temp directory on a port of its own: never the
 * machine's shared one. initdb refuses to run as root, so as root it runs as the `postgres` user.
 */
export class TempCluster {
  private constructor(
    readonly port: number,
    /** Its own directory: the socket and the server log, and the data directory below. */
    readonly dir: string,
    readonly pgData: string,
  ) {}

  /**
   * `debianLayout`: the data directory is `dir/15/main` and, as root, `dir/15` is root's, as
   * Debian's `/var/lib/postgresql/15` is: its parent says nothing of who owns the cluster.
   */
  static async create(settings: Record<string, string>, { debianLayout = false } = {}): Promise<TempCluster> {
    const dir = mkdtempSync('/tmp/darkroom-pg-');
    const owner = process.getuid?.() === 0 ? statSync('/var/lib/postgresql') : undefined;
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const pgData = debianLayout ? join(dir, '15', 'main') : join(dir, 'data');
    if (debianLayout) {
      mkdirSync(pgData, { recursive: true, mode: 0o700 });
      chmodSync(dirname(pgData), 0o755);
      if (owner) chownSync(pgData, owner.uid, owner.gid);
    }
    const cluster = new TempCluster(await freePort(), dir, pgData);
    await cluster.exec(`${BIN}/initdb`, ['-D', cluster.pgData, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const conf = { port: String(cluster.port), listen_addresses: "'127.0.0.1'", unix_socket_directories: `'${dir}'`, ...settings };
    await cluster.exec(
      'sh',
      ['-c', `cat >> ${cluster.pgData}/postgresql.conf`],
      Object.entries(conf)
        .map(([k, v]) => `${k} = ${v}\n`)
        .join(''),
    );
    return cluster;
  }

  /** Runs a program as the cluster's owner (the postgres user when we are root). */
  async exec(program: string, args: readonly string[], input?: string): Promise<string> {
    const [file, ...rest] = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', program, ...args] : [program, ...args];
    const child = run(file!, rest, { cwd: '/', maxBuffer: 16 * 1024 * 1024 });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return (await child).stdout;
  }

  async start(): Promise<void> {
    await this.exec(`${BIN}/pg_ctl`, ['-D', this.pgData, '-l', join(this.dir, 'server.log'), '-w', '-t', '120', 'start']);
  }

  /**
   * A restored cluster answers (read-only) while it still replays WAL: what it shows is final only
   * once it has reached the target and opened for writes.
   */
  async untilPromoted(): Promise<void> {
    const sql = this.sql();
    try {
      for (let i = 0; i < 1200; i++) {
        const [state] = await sql<{ recovering: boolean }[]>`select pg_is_in_recovery() as recovering`;
        if (!state!.recovering) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the cluster in ${this.pgData} was still recovering after 120 s (see ${this.dir}/server.log)`);
    } finally {
      await sql.end();
    }
  }

  /** The WAL so far reaches the archive: its segment is closed and the archiver has shipped it. */
  async archiveNow(): Promise<void> {
    const sql = this.sql();
    try {
      const [switched] = await sql<{ wal: string }[]>`select pg_walfile_name(pg_switch_wal()) as wal`;
      const wal = switched!.wal;
      for (let i = 0; i < 600; i++) {
        const [archiver] = await sql<{ last: string | null; failed: string | null }[]>`
          select last_archived_wal as last, last_failed_wal as failed from pg_stat_archiver`;
        const { last, failed } = archiver!;
        if (last && last >= wal) return;
        if (i === 599) throw new Error(`WAL ${wal} was not archived (last ${last}, last failed ${failed})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await sql.end();
    }
  }

  async stop(): Promise<void> {
    await this.exec(`${BIN}/pg_ctl`, ['-D', this.pgData, '-m', 'fast', '-w', 'stop']).catch(() => {});
  }

  /** The cluster lost: every file in its data directory gone. */
  wipe(): void {
    for (const entry of readdirSync(this.pgData)) rmSync(join(this.pgData, entry), { recursive: true, force: true });
  }

  /** The data directory itself gone. */
  removeDataDir(): void {
    rmSync(this.pgData, { recursive: true, force: true });
  }

  /** The runbook's step 3: the data directory moved aside (`main` → `main.broken`), as root moves it. */
  moveDataDirAway(): string {
    const aside = `${this.pgData}.broken`;
    rmSync(aside, { recursive: true, force: true });
    renameSync(this.pgData, aside);
    return aside;
  }

  sql(): postgres.Sql {
    return postgres({ host: '127.0.0.1', port: this.port, user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether Debian's pgbackrest is installed (scripts/test-tools.sh installs it): the backup tests need it. */
export const hasPgBackRest = (() => {
  try {
    execFileSync('pgbackrest', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A cluster whose WAL pgBackRest archives to the S3 server, and what `db:backup`/`db:restore` need to reach it. */
export interface ArchivedCluster {
  cluster: TempCluster;
  /** The HTTPS front pgBackRest talks to (it speaks only HTTPS to S3). */
  tunnel: TlsTunnel;
  /** The BACKUP_* settings (and PGDATA) of `npm run db:backup` / `db:restore` for this cluster. */
  env: Record<string, string>;
  /** Stops and removes the cluster, and closes the tunnel (the repository's objects stay). */
  destroy(): Promise<void>;
}

export interface ArchivedClusterOptions {
  /** The repository's bucket on the S3 server (made when missing) and its path inside it. */
  bucket: string;
  prefix: string;
  cipherPass: string;
  /** More postgresql.conf settings. */
  settings?: Record<string, string>;
  /** The data directory under a parent root owns, as on Debian (`TempCluster.create`). */
  debianLayout?: boolean;
  /** The S3 server and its keys; by default the test environment's (S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY). */
  s3?: { endpoint: string; accessKeyId: string; secretAccessKey: string };
}

/**
 * A cluster of the caller's own with `archive_mode` on and pgBackRest's archive_command to a
 * repository on the real S3 server (behind a TLS tunnel), started; the first `db:backup` writes
 * the config the archive command reads and creates the stanza.
 */
export async function startArchivedCluster(options: ArchivedClusterOptions): Promise<ArchivedCluster> {
  const { endpoint, ...credentials } = options.s3 ?? {
    endpoint: process.env.S3_ENDPOINT!,
    accessKeyId: process.env.S3_ACCESS_KEY_ID!,
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY!,
  };
  const tunnel = await TlsTunnel.open(Number(new URL(endpoint).port || 80));
  // pgBackRest runs as the cluster's owner, who must read the (public) certificate.
  chmodSync(join(tunnel.caFile, '..'), 0o755);
  chmodSync(tunnel.caFile, 0o644);
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: options.bucket })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  s3.destroy();
  const cluster = await TempCluster.create({ archive_mode: 'on', ...options.settings }, { debianLayout: options.debianLayout });
  const env = {
    BACKUP_S3_ENDPOINT: `https://127.0.0.1:${tunnel.port}`,
    BACKUP_S3_CA_FILE: tunnel.caFile,
    BACKUP_S3_BUCKET: options.bucket,
    BACKUP_S3_PREFIX: options.prefix,
    BACKUP_S3_ACCESS_KEY_ID: credentials.accessKeyId,
    BACKUP_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    BACKUP_CIPHER_PASS: options.cipherPass,
    BACKUP_RETENTION_FULL: '1',
    PGDATA: cluster.pgData,
    BACKUP_PG_PORT: String(cluster.port),
    BACKUP_PG_SOCKET_DIR: cluster.dir,
    BACKUP_STATE_DIR: join(cluster.dir, 'state'),
  };
  // As packages/db/src/backup/pgbackrest.ts's archiveCommand writes it for the stanza `darkroom`.
  const command = `pgbackrest --config=${join(env.BACKUP_STATE_DIR, 'pgbackrest.conf')} --stanza=darkroom archive-push %p`;
  await cluster.exec('sh', ['-c', `cat >> ${cluster.pgData}/postgresql.conf`], `archive_command = '${command}'\n`);
  await cluster.start();
  return {
    cluster,
    tunnel,
    env,
    destroy: async () => {
      await cluster.destroy();
      await tunnel.close();
    },
  };
}
