import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPgBackRest, startArchivedCluster, type ArchivedCluster, type TempCluster } from '../support/pg-cluster.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

const s3 = new S3Client({
  endpoint: process.env.S3_ENDPOINT,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! },
});
const bucket = `darkroom-test-backups-${process.pid}`;
const prefix = '/pg/cluster-a';

async function repositoryKeys(): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

// pgBackRest (Debian's package, which scripts/test-tools.sh installs) against the real S3 server,
// on a cluster of the test's own: base backup, WAL archiving, restores to a time and to the end.
const title = hasPgBackRest
  ? 'db:backup and db:restore (pgBackRest)'
  : 'db:backup and db:restore: skipped, pgbackrest is not installed (scripts/test-tools.sh installs it)';

describe.skipIf(!hasPgBackRest)(title, () => {
  let archived: ArchivedCluster | undefined;
  let cluster: TempCluster;
  let env: Record<string, string>;

  /** Runs `npm run db:backup` / `db:restore`'s built CLI as its own process. */
  async function cli(name: 'backup' | 'restore', args: string[] = []): Promise<string> {
    const script = join(root, `packages/db/dist/backup/${name}-cli.js`);
    try {
      const { stdout } = await run(process.execPath, [script, ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const { stdout, stderr } = error as { stdout: string; stderr: string };
      throw new Error(`db:${name} failed:\n${stdout}\n${stderr}`);
    }
  }

  async function rows(): Promise<{ count: number; max: number }> {
    const sql = cluster.sql();
    const [row] = await sql<{ count: number; max: number }[]>`select count(*)::int as count, max(n) as max from uploads`;
    await sql.end();
    return row!;
  }

  /** `files`: the cluster's files lost; `moved`: the runbook's step 3, its data directory moved aside. */
  async function restore(args: string[], lost: 'files' | 'moved' = 'files'): Promise<void> {
    await cluster.stop();
    if (lost === 'files') cluster.wipe();
    else cluster.moveDataDirAway();
    await cli('restore', args);
    // Postgres's archive-get reads the config as the cluster's owner.
    const owner = statSync(cluster.pgData).uid;
    for (const path of [env.BACKUP_STATE_DIR!, join(env.BACKUP_STATE_DIR!, 'pgbackrest.conf')]) expect(statSync(path).uid, path).toBe(owner);
    await cluster.start();
    await cluster.untilPromoted();
  }

  beforeAll(async () => {
    // As on Debian, the data directory's parent is root's (when the tests run as root).
    archived = await startArchivedCluster({ bucket, prefix, cipherPass: 'test-backup-cipher-0123456789abcdef', debianLayout: true });
    ({ cluster, env } = archived);
  }, 120_000);

  afterAll(async () => {
    await archived?.destroy();
    const keys = await repositoryKeys().catch(() => []);
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch } }));
    }
    s3.destroy();
  }, 120_000);

  it('restores to a time (only what was committed by then) and to the newest archived WAL', async () => {
    const sql = cluster.sql();
    await sql`create table uploads (n int primary key, at timestamptz not null default clock_timestamp())`;
    await sql`insert into uploads (n) select generate_series(1, 100)`;
    await sql.end();

    const backupLog = await cli('backup', ['--type=full']);
    expect(backupLog).toMatch(/full backup: \d{8}-\d{6}F/);
    expect(statSync(join(env.BACKUP_STATE_DIR!, 'pgbackrest.conf')).mode & 0o777).toBe(0o600);

    const more = cluster.sql();
    await more`insert into uploads (n) select generate_series(101, 200)`;
    const [target] = await more<{ at: string }[]>`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' as at`;
    // Later commits must carry a later timestamp than the target, whatever the clock's resolution.
    await more`select pg_sleep(0.05)`;
    await more`insert into uploads (n) select generate_series(201, 300)`;
    await more.end();
    await cluster.archiveNow();

    await restore([`--time=${target!.at}`]);
    expect(await rows()).toEqual({ count: 200, max: 200 });

    // The restore to a time branched off a new timeline; the newest point of the backed-up history
    // lies on the backup's own. The data directory moved aside as the runbook does, under a parent
    // root owns: the owner comes from the directory moved away, not from the parent.
    await restore(['--timeline=current'], 'moved');
    expect(await rows()).toEqual({ count: 300, max: 300 });
  }, 600_000);

  /** The restore CLI's exit code and stderr, with some settings of its own. */
  async function refusedRestore(settings: Record<string, string>): Promise<{ code: number; stderr: string }> {
    const script = join(root, 'packages/db/dist/backup/restore-cli.js');
    const attempt = run(process.execPath, [script], { cwd: root, env: { ...process.env, ...env, ...settings } });
    return attempt.then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
  }

  it.skipIf(process.getuid?.() !== 0)(
    'refuses, in one line naming the fix, when nothing tells the owner or the owner cannot read the config',
    async () => {
      // Gone, nothing moved aside beside it, and its parent is root's: no owner to guess.
      const gone = join(cluster.pgData, '..', 'lost');
      const unknown = await refusedRestore({ PGDATA: gone });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^restore failed: cannot tell who owns the cluster in .*lost: .*install -d -m 700 -o postgres/),
      ]);
      expect(existsSync(gone)).toBe(false);

      // A state directory below a directory only root may enter: written, but the owner cannot read it.
      const rootOnly = mkdtempSync('/tmp/darkroom-root-only-');
      const spare = join(cluster.pgData, '..', 'spare');
      mkdirSync(spare, { mode: 0o700 });
      const owner = statSync(cluster.pgData);
      chownSync(spare, owner.uid, owner.gid);
      try {
        const unreadable = await refusedRestore({ PGDATA: spare, BACKUP_STATE_DIR: join(rootOnly, 'state') });
        expect(unreadable.code).toBe(1);
        expect(unreadable.stderr.trim().split('\n')).toEqual([
          expect.stringMatching(
            /^restore failed: postgres, who owns the cluster .*, cannot read .*pgbackrest\.conf .*chown -R \d+:\d+ .*state; chmod o\+x on its parents/,
          ),
        ]);
        expect(readdirSync(spare)).toEqual([]);
      } finally {
        rmSync(rootOnly, { recursive: true, force: true });
        rmSync(spare, { recursive: true, force: true });
      }
    },
  );

  it('keeps the repository under its own prefix, every file encrypted', async () => {
    const keys = await repositoryKeys();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !key.startsWith(`${prefix.slice(1)}/`))).toEqual([]);
    const wal = keys.filter((key) => key.includes('/archive/') && /\/[0-9A-F]{24}-/.test(key));
    const manifests = keys.filter((key) => key.endsWith('/backup.manifest'));
    expect(wal.length).toBeGreaterThan(0);
    expect(manifests.length).toBeGreaterThan(0);
    for (const key of [wal[0]!, manifests[0]!, keys.find((k) => k.endsWith('archive.info'))!]) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const head = Buffer.from(await object.Body!.transformToByteArray())
        .subarray(0, 8)
        .toString('latin1');
      // OpenSSL's salted format: what aes-256-cbc with a passphrase writes; plain WAL or JSON would not start so.
      expect(head, key).toBe('Salted__');
    }
  });
});
