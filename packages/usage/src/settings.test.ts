import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeEnvIssues } from '@darkroom/core/env';
import { usageConfigOf, usageEnvSettings } from './settings.js';

const schema = z.object(usageEnvSettings);
const load = (env: Record<string, string>) => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(describeEnvIssues(parsed.error.issues));
  return usageConfigOf(parsed.data);
};

describe('USAGE_* settings', () => {
  it('meter by default, flushing every 5 seconds', () => {
    expect(load({})).toEqual({ metering: true, flushSeconds: 5 });
    expect(load({ USAGE_METERING: 'off', USAGE_FLUSH_SECONDS: '30' })).toEqual({ metering: false, flushSeconds: 30 });
  });

  it('refuse a value they do not know, naming the variable', () => {
    expect(() => load({ USAGE_METERING: 'yes' })).toThrow(/USAGE_METERING/);
    expect(() => load({ USAGE_FLUSH_SECONDS: '0' })).toThrow(/USAGE_FLUSH_SECONDS/);
  });
});
