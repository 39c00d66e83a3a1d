import { loadProjectDotEnv } from '@darkroom/core/env';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseBackupConfig } from './config.js';
import { clusterOwner } from './cluster-owner.js';
import { checkOwnerReadsConfig, ensureDataDir, runPgBackRest, writeConfig } from './pgbackrest.js';
import { restoreArguments } from './restore-target.js';

// `npm run db:restore [-- --time="2026-11-24 03:10:00+00"] [--timeline=current]`: restores the
// stopped cluster in PGDATA from the repository, to the newest WAL archived or to a time. Start
// Postgres afterwards: it replays the WAL up to the target, then opens for writes.
loadProjectDotEnv();
try {
  const config = parseBackupConfig(process.env);
  const args = restoreArguments(process.argv.slice(2), existsSync(join(config.pgData, 'PG_VERSION')));
  if (existsSync(join(config.pgData, 'postmaster.pid'))) {
    throw new Error(`Postgres still runs on ${config.pgData} (postmaster.pid is there): stop it first`);
  }
  // Read before the data directory is made again: after that it would answer whoever made it.
  const owner = clusterOwner(config.pgData);
  ensureDataDir(config, owner);
  writeConfig(config, owner);
  checkOwnerReadsConfig(config, owner);
  runPgBackRest(config, owner, ['restore', ...args]);
  console.log(`restored into ${config.pgData}; start Postgres to replay the WAL and open the database`);
} catch (error) {
  console.error(`restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
