import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeEnvIssues } from '@darkroom/core/env';
import { usageConfigOf, usageEnvSettings, usageSpoolEnvSettings } from './settings.js';

/** As the delivery server reads them (no spool), and as the API and the worker do. */
const schemas = { delivery: z.object(usageEnvSettings), spooling: z.object({ ...usageEnvSettings, ...usageSpoolEnvSettings }) };
const load = (env: Record<string, string>, schema: z.ZodType<Parameters<typeof usageConfigOf>[0]> = schemas.delivery) => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(describeEnvIssues(parsed.error.issues));
  return usageConfigOf(parsed.data);
};

const scratch = mkdtempSync(join(tmpdir(), 'darkroom-usage-settings-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('USAGE_* settings', () => {
  it('meter by default, flushing every 5 seconds', () => {
    expect(load({})).toEqual({ metering: true, flushSeconds: 5, spoolDir: null });
    expect(load({ USAGE_METERING: 'off', USAGE_FLUSH_SECONDS: '30' })).toEqual({ metering: false, flushSeconds: 30, spoolDir: null });
  });

  it('refuse a value they do not know, naming the variable', () => {
    expect(() => load({ USAGE_METERING: 'yes' })).toThrow(/USAGE_METERING/);
    expect(() => load({ USAGE_FLUSH_SECONDS: '0' })).toThrow(/USAGE_FLUSH_SECONDS/);
  });

  it('spool under the temporary directory by default, made at boot', () => {
    expect(load({}, schemas.spooling).spoolDir).toBe(join(tmpdir(), 'darkroom-usage-spool'));
    const dir = join(scratch, 'made', 'at-boot');
    expect(load({ USAGE_SPOOL_DIR: dir }, schemas.spooling).spoolDir).toBe(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('refuse a spool directory that is relative or cannot be written, naming the variable', () => {
    expect(() => load({ USAGE_SPOOL_DIR: 'spool' }, schemas.spooling)).toThrow(/USAGE_SPOOL_DIR: must be an absolute path/);
    // A directory under a file cannot be made, even by root.
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    expect(() => load({ USAGE_SPOOL_DIR: join(file, 'spool') }, schemas.spooling)).toThrow(
      /^USAGE_SPOOL_DIR=.*a-file\/spool cannot be written \(ENOTDIR\)/,
    );
  });

  it.runIf(process.platform === 'linux')('refuse, not hang, where mkdir answers ENOENT under a parent that exists (/proc)', () => {
    expect(() => load({ USAGE_SPOOL_DIR: '/proc/darkroom-spool/usage' }, schemas.spooling)).toThrow(/cannot be written \(ENOENT\)/);
  });

  it('need no spool directory with metering off', () => {
    const file = join(scratch, 'another-file');
    writeFileSync(file, '');
    expect(load({ USAGE_METERING: 'off', USAGE_SPOOL_DIR: join(file, 'spool') }, schemas.spooling).spoolDir).toBeNull();
  });
});
