import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFloor, unsupportedNodeLine } from './node-floor.js';

const repoFile = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe("the oldest Node Darkroom runs on (package.json's engines)", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("is the repository's engines, which the published client's say too and the pinned Node meets", () => {
    const floor = nodeFloor();
    expect(JSON.parse(repoFile('package.json')).engines.node).toBe(`>=${floor}`);
    expect(JSON.parse(repoFile('packages/client/package.json')).engines.node).toBe(`>=${floor}`);
    const pinned = /^NODE_PIN_VERSION=(\d+)\./m.exec(repoFile('scripts/node.sh'));
    expect(Number(pinned?.[1])).toBeGreaterThanOrEqual(floor);
  });

  it('is read from the nearest package.json that declares engines.node, past those that do not', () => {
    dir = mkdtempSync(join(tmpdir(), 'node-floor-'));
    mkdirSync(join(dir, 'packages', 'core', 'dist'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: '>=23' } }));
    writeFileSync(join(dir, 'packages', 'core', 'package.json'), JSON.stringify({ name: '@darkroom/core' }));
    expect(nodeFloor(join(dir, 'packages', 'core', 'dist'))).toBe(23);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: '^22 || >=24' } }));
    expect(() => nodeFloor(join(dir!, 'packages', 'core', 'dist'))).toThrow('engines.node must read ">=N", not "^22 || >=24"');
  });

  it('refuses an older Node in one line naming it, the one needed and the command that gets it', () => {
    expect(unsupportedNodeLine('darkroom api', '22.0.0', 22)).toBeNull();
    expect(unsupportedNodeLine('darkroom api', '24.21.0', 22)).toBeNull();
    expect(unsupportedNodeLine('darkroom api', '20.20.2', 22)).toBe(
      'darkroom api: found Node 20.20.2, needs Node 22 or newer: `. scripts/node.sh` (in the Darkroom repository) puts its pinned Node first on PATH',
    );
    expect(unsupportedNodeLine('darkroom import', '18.19.0', 22)).toMatch(/^darkroom import: found Node 18\.19\.0, needs Node 22 or newer: [^\n]+$/);
  });
});
