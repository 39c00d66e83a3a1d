import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from './services.js';

const run = promisify(execFile);
const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/**
 * A Postgres cluster of the test's own, in a temp directory on a port of its own: never the
 * machine's shared one. initdb refuses to run as root, so as root it runs as the `postgres` user.
 */
export class TempCluster {
  readonly dir: string;
  readonly pgData: string;
  private constructor(
    readonly port: number,
    dir: string,
  ) {
    this.dir = dir;
    this.pgData = join(dir, 'data');
  }

  static async create(settings: Record<string, string>): Promise<TempCluster> {
    const dir = mkdtempSync('/tmp/darkroom-pg-');
    const owner = process.getuid?.() === 0 ? statSync('/var/lib/postgresql') : undefined;
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const cluster = new TempCluster(await freePort(), dir);
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

  async stop(): Promise<void> {
    await this.exec(`${BIN}/pg_ctl`, ['-D', this.pgData, '-m', 'fast', '-w', 'stop']).catch(() => {});
  }

  /** The cluster lost: every file in its data directory gone. */
  wipe(): void {
    for (const entry of readdirSync(this.pgData)) rmSync(join(this.pgData, entry), { recursive: true, force: true });
  }

  /** The data directory itself gone (as when an operator moves it aside before a restore). */
  removeDataDir(): void {
    rmSync(this.pgData, { recursive: true, force: true });
  }

  sql(): postgres.Sql {
    return postgres({ host: '127.0.0.1', port: this.port, user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether Debian's pgbackrest is installed (scripts/services-up.sh installs it): the backup tests need it. */
export const hasPgBackRest = (() => {
  try {
    execFileSync('pgbackrest', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
