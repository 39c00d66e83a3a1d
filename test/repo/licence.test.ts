import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Darkroom is Apache-2.0 (LICENSE at the root): a platform may run it, change it and sell what it
 * builds on it, with the licence's patent grant. Every package.json says so, and a published package
 * (@darkroom/client) carries the licence's text in its tarball: npm packs a package's own folder, so
 * that package keeps a copy of the root's LICENSE, which must not drift from it.
 */
const root = join(import.meta.dirname, '..', '..');
const LICENSE = 'Apache-2.0';
const text = readFileSync(join(root, 'LICENSE'), 'utf8');

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
}
const folders = ['.', ...['packages', 'apps'].flatMap((dir) => readdirSync(join(root, dir)).map((name) => `${dir}/${name}`))];
const manifests = folders.map((folder) => ({
  folder,
  manifest: JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as Manifest,
}));

describe('the licence', () => {
  it('is the Apache License 2.0, whole', () => {
    expect(text).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n/);
    expect(text).toContain('END OF TERMS AND CONDITIONS');
  });

  it.each(manifests.map((m) => [m.folder, m.manifest] as const))('is named in %s/package.json', (_folder, manifest) => {
    expect(manifest.license).toBe(LICENSE);
  });

  it('is named in package-lock.json as in each package.json', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { license?: string }> };
    const named = Object.fromEntries(folders.map((folder) => [folder, lock.packages[folder === '.' ? '' : folder]?.license]));
    expect(named).toEqual(Object.fromEntries(folders.map((folder) => [folder, LICENSE])));
  });

  it.each(manifests.filter((m) => !m.manifest.private).map((m) => [m.manifest.name, m.folder] as const))(
    '%s publishes the root LICENSE',
    (_name, folder) => {
      expect(readFileSync(join(root, folder, 'LICENSE'), 'utf8')).toBe(text);
      const packed = JSON.parse(
        execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: join(root, folder), encoding: 'utf8' }),
      ) as [{ files: { path: string }[] }];
      expect(packed[0].files.map((f) => f.path)).toContain('LICENSE');
    },
  );
});
