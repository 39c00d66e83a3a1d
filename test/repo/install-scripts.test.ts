import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm run demo` installs only what the demo runs (scripts/services-up.sh: the services, jemalloc,
 * ffmpeg), so a newcomer's first upload waits for no browser or toolchain; what only tests, the
 * bench and `db:backup` run is scripts/test-tools.sh's, which `npm test` (and so CI),
 * `npm run services:up` and `npm run bench` run too.
 */
const root = join(import.meta.dirname, '..', '..');
const script = (name: string) => readFileSync(join(root, 'scripts', name), 'utf8');
const TEST_TOOLS = ['chromium', 'pgbackrest', 'golang-go', 'php-cli'];
/** The lines of a script that run something (comments and blank lines left out). */
const commands = (text: string) => text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));

describe('what each command installs', () => {
  it('the demo runs services-up.sh alone, which installs none of the tests’ tools', () => {
    expect(commands(script('demo.sh')).filter((line) => /services-up\.sh|test-tools\.sh/.test(line))).toEqual(['bash scripts/services-up.sh']);
    const servicesUp = commands(script('services-up.sh')).join('\n');
    expect(TEST_TOOLS.filter((tool) => servicesUp.includes(tool))).toEqual([]);
  });

  it('test-tools.sh installs every one of them', () => {
    const tools = commands(script('test-tools.sh')).join('\n');
    expect(TEST_TOOLS.filter((tool) => !tools.includes(tool))).toEqual([]);
  });

  it('npm test, services:up and the bench run both scripts', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const text of [script('test.sh'), script('bench.sh'), scripts['services:up']!]) {
      expect(text).toMatch(/services-up\.sh[\s\S]*test-tools\.sh/);
    }
  });
});
