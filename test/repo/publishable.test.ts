import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A package without `private` is one a platform installs from the registry (@darkroom/client), so
 * what it needs at run time must be installable there too: no private workspace package among its
 * dependencies, and none imported by the files it publishes.
 */
const root = join(import.meta.dirname, '..', '..');
interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const workspaces = ['packages', 'apps'].flatMap((dir) =>
  readdirSync(join(root, dir)).map((name) => ({
    dir: join(root, dir, name),
    manifest: JSON.parse(readFileSync(join(root, dir, name, 'package.json'), 'utf8')) as Manifest,
  })),
);
const privateNames = new Set(workspaces.filter((w) => w.manifest.private).map((w) => w.manifest.name));
const published = workspaces.filter((w) => !w.manifest.private);

describe('published packages', () => {
  it('are there (the client is one)', () => {
    expect(published.map((w) => w.manifest.name)).toContain('@darkroom/client');
  });

  it.each(published.map((w) => [w.manifest.name, w] as const))('%s depends on no private workspace package', (_name, w) => {
    const needed = Object.keys({ ...w.manifest.dependencies, ...w.manifest.peerDependencies });
    expect(needed.filter((dep) => privateNames.has(dep))).toEqual([]);
  });

  it.each(published.map((w) => [w.manifest.name, w] as const))('%s publishes no import of a private workspace package', (_name, w) => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: w.dir, encoding: 'utf8' })) as [
      { files: { path: string }[] },
    ];
    const code = packed[0].files.map((f) => f.path).filter((path) => /\.(m?js|d\.ts)$/.test(path));
    expect(code.length).toBeGreaterThan(0);
    const importsPrivate = code.filter((path) => {
      const text = readFileSync(join(w.dir, path), 'utf8');
      return [...privateNames].some((name) => text.includes(`'${name}'`) || text.includes(`'${name}/`) || text.includes(`"${name}`));
    });
    expect(importsPrivate).toEqual([]);
  });
});
