import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The settings every app reads alike are declared once, in @darkroom/core's `commonSettings`
 * (packages/core/src/env.ts): each app's config spreads it and declares none of them itself.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const COMMON = ['LOG_LEVEL', 'DATABASE_URL', 'REDIS_URL', 'QUEUE_PREFIX', 'MAX_INPUT_PIXELS'];

describe("the apps' common settings", () => {
  it.each(['api', 'worker', 'delivery'])('%s reads them from commonSettings alone', (app) => {
    const config = readFileSync(join(ROOT, 'apps', app, 'src', 'config.ts'), 'utf8');
    expect(config).toContain('...commonSettings,');
    const declared = COMMON.filter((name) => new RegExp(`^\\s+${name}:`, 'm').test(config));
    expect(declared).toEqual([]);
  });
});
