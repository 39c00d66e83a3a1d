import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commonSettings, describeEnvIssues, loadProjectDotEnv, parseDurationMs } from './env.js';

describe('parseDurationMs', () => {
  it.each([
    ['24h', 86_400_000],
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['2d', 172_800_000],
    ['3600', 3_600_000],
    [' 1.5h ', 5_400_000],
  ])('%s is %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(['', 'soon', '-5s', '10 years', '1h30m'])('%j is not a duration', (text) => expect(parseDurationMs(text)).toBeNull());
});

it('describeEnvIssues names every variable', () => {
  const text = describeEnvIssues([
    { path: ['ADMIN_TOKEN'], message: 'required' },
    { path: ['PORT'], message: 'too big' },
  ]);
  expect(text).toContain('ADMIN_TOKEN: required');
  expect(text).toContain('PORT: too big');
});

describe('commonSettings', () => {
  const schema = z.object(commonSettings);

  it('gives every app the same defaults', () => {
    expect(schema.parse({})).toEqual({
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/darkroom',
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: '{darkroom}',
      MAX_INPUT_PIXELS: 100_000_000,
    });
  });

  it('names the variable it refuses', () => {
    const result = schema.safeParse({ LOG_LEVEL: 'loud', MAX_INPUT_PIXELS: '-1' });
    const text = describeEnvIssues(result.error!.issues);
    expect(text).toMatch(/LOG_LEVEL: /);
    expect(text).toMatch(/MAX_INPUT_PIXELS: /);
  });
});

describe('loadProjectDotEnv', () => {
  it('reads .env from where the command was typed; real environment variables win', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/darkroom-env-`);
    await writeFile(`${dir}/.env`, 'DARKROOM_TEST_FROM_FILE=file\nDARKROOM_TEST_ALREADY_SET=file\n');
    const saved = process.env.INIT_CWD;
    process.env.INIT_CWD = dir;
    process.env.DARKROOM_TEST_ALREADY_SET = 'environment';
    try {
      expect(loadProjectDotEnv()).toBe(`${dir}/.env`);
      expect(process.env.DARKROOM_TEST_FROM_FILE).toBe('file');
      expect(process.env.DARKROOM_TEST_ALREADY_SET).toBe('environment');
    } finally {
      if (saved === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = saved;
      delete process.env.DARKROOM_TEST_FROM_FILE;
      delete process.env.DARKROOM_TEST_ALREADY_SET;
    }
  });
});
