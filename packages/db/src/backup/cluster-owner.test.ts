import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterOwner } from './cluster-owner.js';

// Directories root owns say nothing of a cluster's owner, so telling owners apart takes chown: root only.
const asRoot = process.getuid?.() === 0;
const OWNER = { uid: 4242, gid: 4343 };

describe.skipIf(!asRoot)('clusterOwner (as root)', () => {
  let root: string;
  let configRoot: string;
  let pgData: string;

  const ownedDir = (path: string, owner = OWNER) => {
    mkdirSync(path, { recursive: true });
    chownSync(path, owner.uid, owner.gid);
  };

  beforeEach(() => {
    root = mkdtempSync('/tmp/darkroom-owner-');
    configRoot = join(root, 'etc');
    // As on Debian: /var/lib/postgresql/15 is root's.
    pgData = join(root, 'var', '15', 'main');
    mkdirSync(join(root, 'var', '15'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the data directory when it is there', () => {
    ownedDir(pgData);
    expect(clusterOwner(pgData, configRoot)).toEqual({ ...OWNER, from: pgData });
  });

  it('reads the Debian config directory that names the data directory, when it is gone', () => {
    const other = join(configRoot, '15', 'other');
    const main = join(configRoot, '15', 'main');
    ownedDir(other, { uid: 5000, gid: 5000 });
    ownedDir(main);
    writeFileSync(join(other, 'postgresql.conf'), `data_directory = '${root}/var/15/other'\n`);
    writeFileSync(join(main, 'postgresql.conf'), `# the cluster\ndata_directory = '${pgData}/'\t\t# use data in another directory\n`);
    chownSync(join(other, 'postgresql.conf'), 5000, 5000);
    chownSync(join(main, 'postgresql.conf'), OWNER.uid, OWNER.gid);
    expect(clusterOwner(pgData, configRoot)).toEqual({ ...OWNER, from: join(main, 'postgresql.conf') });
  });

  it('reads the data directory moved away beside it, and never a root-owned one', () => {
    const aside = `${pgData}.broken`;
    ownedDir(aside);
    writeFileSync(join(aside, 'PG_VERSION'), '15\n');
    // An empty directory made by root in its place: skipped.
    mkdirSync(pgData);
    expect(clusterOwner(pgData, configRoot)).toEqual({ ...OWNER, from: aside });
  });

  it('refuses, naming the fix, when only root-owned directories are left', () => {
    ownedDir(`${pgData}-not-a-cluster`);
    expect(() => clusterOwner(pgData, configRoot)).toThrow(/cannot tell who owns the cluster in .*main: .*install -d -m 700 -o postgres -g postgres/);
  });

  it('takes a parent root does not own (a container layout)', () => {
    const parent = join(root, 'container');
    ownedDir(parent);
    expect(clusterOwner(join(parent, 'data'), configRoot)).toEqual({ ...OWNER, from: parent });
  });
});
