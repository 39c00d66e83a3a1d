import { loadProjectDotEnv } from '@darkroom/core/env';
import { parseBackupConfig } from './config.js';
import { clusterOwner } from './cluster-owner.js';
import { archiveCommand, checkOwnerReadsConfig, runPgBackRest, writeConfig } from './pgbackrest.js';

// `npm run db:backup [-- --type=full|diff|incr]`: one backup of the cluster now, into the repository
// the BACKUP_* variables name. Without --type pgBackRest takes an incremental one when a full exists.
const TYPES = new Set(['full', 'diff', 'incr']);

function typeArgument(argv: readonly string[]): string[] {
  const extra = argv.filter((arg) => !/^--type=/.test(arg));
  if (extra.length > 0) throw new Error(`unknown argument ${extra[0]} (only --type=full|diff|incr)`);
  const type = argv.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
  if (type !== undefined && !TYPES.has(type)) throw new Error(`--type must be full, diff or incr, not ${type}`);
  return type ? [`--type=${type}`] : [];
}

loadProjectDotEnv();
try {
  const type = typeArgument(process.argv.slice(2));
  const config = parseBackupConfig(process.env);
  const owner = clusterOwner(config.pgData);
  writeConfig(config, owner);
  checkOwnerReadsConfig(config, owner);
  // Both are safe to repeat: stanza-create accepts a stanza that matches this cluster.
  runPgBackRest(config, owner, ['stanza-create']);
  try {
    runPgBackRest(config, owner, ['check']);
  } catch (error) {
    const hint = `the cluster needs archive_mode = on and archive_command = '${archiveCommand(config)}' (docs/operations.md#backups)`;
    throw new Error(`${(error as Error).message}; ${hint}`);
  }
  runPgBackRest(config, owner, ['backup', ...type]);
  runPgBackRest(config, owner, ['info']);
} catch (error) {
  console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
