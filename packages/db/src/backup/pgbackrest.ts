import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userName, type ClusterOwner } from './cluster-owner.js';
import type { BackupConfig } from './config.js';

/** The generated config's path: the server's archive_command and restore_command name it. */
export const configPath = (config: BackupConfig) => join(config.stateDir, 'pgbackrest.conf');

/** What postgresql.conf's archive_command must be for WAL to reach the repository. */
export function archiveCommand(config: BackupConfig): string {
  return `pgbackrest --config=${configPath(config)} --stanza=${config.stanza} archive-push %p`;
}

/**
 * pgBackRest's ini file. It holds the repository's key and cipher passphrase because the server's
 * archive_command runs it with the server's environment, not ours: so it is written mode 0600, for
 * the cluster's owner only, outside the repository's checkout.
 */
export function renderConfig(config: BackupConfig): string {
  const global = {
    'repo1-type': 's3',
    'repo1-path': config.prefix,
    'repo1-s3-bucket': config.bucket,
    'repo1-s3-endpoint': config.host,
    'repo1-storage-port': String(config.port),
    'repo1-s3-region': config.region,
    // B2 and most self-hosted servers (Ceph RGW, MinIO) want path-style URLs.
    'repo1-s3-uri-style': 'path',
    'repo1-s3-key': config.accessKeyId,
    'repo1-s3-key-secret': config.secretAccessKey,
    'repo1-storage-verify-tls': config.verifyTls ? 'y' : 'n',
    ...(config.caFile ? { 'repo1-storage-ca-file': config.caFile } : {}),
    'repo1-cipher-type': 'aes-256-cbc',
    'repo1-cipher-pass': config.cipherPass,
    'repo1-retention-full': String(config.retentionFull),
    // Small files in one object each would cost one request apiece on every backup and restore.
    'repo1-bundle': 'y',
    'compress-type': 'zst',
    'process-max': '2',
    'start-fast': 'y',
    'archive-async': 'n',
    'lock-path': join(config.stateDir, 'lock'),
    'spool-path': join(config.stateDir, 'spool'),
    'log-path': join(config.stateDir, 'log'),
    'log-level-console': 'info',
    'log-level-file': 'warn',
  };
  const stanza = { 'pg1-path': config.pgData, 'pg1-port': String(config.pgPort), 'pg1-socket-path': config.pgSocketDir };
  const section = (name: string, options: Record<string, string>) =>
    [`[${name}]`, ...Object.entries(options).map(([key, value]) => `${key}=${value}`)].join('\n');
  return `# Written by npm run db:backup / db:restore from BACKUP_* variables; rewritten on every run.\n${section('global', global)}\n\n${section(config.stanza, stanza)}\n`;
}

/** A wiped or moved-away data directory is made again, with the mode and owner Postgres insists on. */
export function ensureDataDir(config: BackupConfig, owner: ClusterOwner): void {
  mkdirSync(config.pgData, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) chownSync(config.pgData, owner.uid, owner.gid);
}

/** Writes the state directory (0700) and the config (0600), both owned by the cluster's owner. */
export function writeConfig(config: BackupConfig, owner: ClusterOwner): string {
  const path = configPath(config);
  const logDir = join(config.stateDir, 'log');
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  writeFileSync(path, renderConfig(config), { mode: 0o600 });
  chmodSync(config.stateDir, 0o700);
  chmodSync(path, 0o600);
  if (process.getuid?.() === 0) {
    for (const owned of [config.stateDir, logDir, path]) chownSync(owned, owner.uid, owner.gid);
  }
  return path;
}

/** A command line that runs `command` as the cluster's owner (root switches user with setpriv). */
function asOwner(owner: ClusterOwner, command: readonly string[]): string[] {
  const self = process.getuid?.();
  if (self === owner.uid) return [...command];
  if (self !== 0) throw new Error(`run this as root or as ${userName(owner.uid)}, who owns the cluster (${owner.from})`);
  return ['setpriv', `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--init-groups', ...command];
}

/** A command line that runs pgBackRest as the cluster's owner. */
export function pgBackRestCommand(config: BackupConfig, owner: ClusterOwner, args: readonly string[]): string[] {
  return asOwner(owner, ['pgbackrest', `--config=${configPath(config)}`, `--stanza=${config.stanza}`, ...args]);
}

/**
 * Checks, as the cluster's owner, what Postgres's archive-get and archive-push need of the state:
 * the config (and the CA file) readable, the state directory writable (lock, spool and log). Throws
 * one line naming the fix: otherwise a restored cluster fails to start, saying only that it cannot
 * locate its checkpoint record.
 */
export function checkOwnerReadsConfig(config: BackupConfig, owner: ClusterOwner): void {
  const path = configPath(config);
  const readable = [path, ...(config.caFile ? [config.caFile] : [])];
  const test = 'for f in "$@"; do test -r "$f" || exit 1; done; test -w "$0" && test -x "$0"';
  const [program, ...rest] = asOwner(owner, ['sh', '-c', test, config.stateDir, ...readable]);
  const result = spawnSync(program!, rest, { stdio: 'ignore', cwd: '/' });
  if (result.status === 0) return;
  const user = userName(owner.uid);
  throw new Error(
    `${user}, who owns the cluster (${owner.from}), cannot read ${readable.join(' and ')} or write ${config.stateDir}, so Postgres could not fetch WAL: give BACKUP_STATE_DIR to ${user} and let ${user} through every directory above it (chown -R ${owner.uid}:${owner.gid} ${config.stateDir}; chmod o+x on its parents), then run this again`,
  );
}

/** Runs one pgBackRest command in the foreground; its log goes to our stdout. Throws on failure. */
export function runPgBackRest(config: BackupConfig, owner: ClusterOwner, args: readonly string[]): void {
  const [program, ...rest] = pgBackRestCommand(config, owner, args);
  const result = spawnSync(program!, rest, { stdio: 'inherit', cwd: '/' });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? `${program} is not installed (Debian: apt-get install pgbackrest)` : result.error.message);
  }
  if (result.status !== 0) throw new Error(`pgbackrest ${args[0]} failed (exit ${result.status ?? result.signal}); its log is above`);
}
