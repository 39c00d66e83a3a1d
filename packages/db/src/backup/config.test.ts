import { describe, expect, it } from 'vitest';
import { parseBackupConfig } from './config.js';
import { archiveCommand, renderConfig } from './pgbackrest.js';
import { restoreArguments, targetTime } from './restore-target.js';

const env = {
  BACKUP_S3_ENDPOINT: 'https://s3.us-west-004.backblazeb2.com',
  BACKUP_S3_BUCKET: 'darkroom-backups',
  BACKUP_S3_ACCESS_KEY_ID: '004abc',
  BACKUP_S3_SECRET_ACCESS_KEY: 'K004-backup-only-key-8x7',
  BACKUP_CIPHER_PASS: 'f3a9c1e07b5d4e2a9c8b7a6f',
  PGDATA: '/var/lib/postgresql/15/main',
};

describe('parseBackupConfig', () => {
  it('reads B2 settings, its region from the endpoint, and defaults the rest', () => {
    const config = parseBackupConfig(env);
    expect(config).toMatchObject({ host: 's3.us-west-004.backblazeb2.com', port: 443, region: 'us-west-004', prefix: '/darkroom-pg' });
    expect(config).toMatchObject({ retentionFull: 2, stanza: 'darkroom', pgPort: 5432, verifyTls: true, stateDir: '/var/lib/darkroom-backup' });
  });

  it('names every missing or invalid variable and echoes no value', () => {
    const attempt = () => parseBackupConfig({ ...env, BACKUP_S3_ENDPOINT: 'http://127.0.0.1:7480', BACKUP_CIPHER_PASS: 'short', PGDATA: undefined });
    expect(attempt).toThrow(/BACKUP_S3_ENDPOINT: must be an https:\/\/ URL/);
    expect(attempt).toThrow(/BACKUP_CIPHER_PASS: BACKUP_CIPHER_PASS must be at least 20 characters/);
    expect(attempt).toThrow(/PGDATA/);
    expect(attempt).not.toThrow(/short/);
  });

  it('refuses a value that would add a line to the generated ini file', () => {
    expect(() => parseBackupConfig({ ...env, BACKUP_S3_ACCESS_KEY_ID: 'abc\nrepo1-type=posix' })).toThrow(
      /BACKUP_S3_ACCESS_KEY_ID: must be one line/,
    );
    expect(() => parseBackupConfig({ ...env, BACKUP_S3_PREFIX: 'no-slash' })).toThrow(/BACKUP_S3_PREFIX/);
  });
});

describe('the generated pgBackRest config', () => {
  it('encrypts, keeps the retention, talks path-style, and names the cluster', () => {
    const config = parseBackupConfig({ ...env, BACKUP_RETENTION_FULL: '4', BACKUP_S3_PREFIX: '/prod/pg' });
    const text = renderConfig(config);
    for (const line of ['repo1-cipher-type=aes-256-cbc', 'repo1-retention-full=4', 'repo1-s3-uri-style=path', 'repo1-path=/prod/pg', '[darkroom]']) {
      expect(text.split('\n')).toContain(line);
    }
    expect(archiveCommand(config)).toBe('pgbackrest --config=/var/lib/darkroom-backup/pgbackrest.conf --stanza=darkroom archive-push %p');
  });
});

describe('restore targets', () => {
  it('turns --time into a point-in-time restore that opens for writes there', () => {
    expect(restoreArguments(['--time=2026-11-24T03:10:00+01:00'], true)).toEqual([
      '--delta',
      '--type=time',
      '--target=2026-11-24 02:10:00.000+00',
      '--target-action=promote',
    ]);
    expect(restoreArguments(['--timeline=current'], false)).toEqual(['--target-timeline=current']);
  });

  it('refuses a time without a zone, and unknown arguments', () => {
    expect(() => targetTime('2026-11-24 03:10:00')).toThrow(/time zone/);
    expect(targetTime('2026-11-24 03:10:00.25+00')).toBe('2026-11-24 03:10:00.250+00');
    expect(() => restoreArguments(['--set=x'], true)).toThrow(/unknown argument/);
  });
});
