import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The user who owns a cluster: who runs pgBackRest and must read its config, as Postgres's archive commands do. */
export interface ClusterOwner {
  uid: number;
  gid: number;
  /** The file or directory the owner was read from, for messages. */
  from: string;
}

/** Where Debian keeps each cluster's configuration (`/etc/postgresql/15/main`), owned by the cluster's owner. */
export const DEBIAN_CONFIG_ROOT = '/etc/postgresql';

const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};
// Postgres refuses to run as root, so a directory root owns says nothing of who owns the cluster.
const owned = (path: string, stats: Stats | undefined): ClusterOwner | undefined =>
  stats && stats.uid !== 0 ? { uid: stats.uid, gid: stats.gid, from: path } : undefined;
const holdsCluster = (path: string) => statOf(join(path, 'PG_VERSION'))?.isFile() === true;

/**
 * The cluster's owner, read from the cluster itself, never from PGDATA's parent alone (Debian's
 * `/var/lib/postgresql/15` is root's): PGDATA when it is there; else Debian's config directory that
 * names PGDATA as its `data_directory` (what pg_lsclusters reports as the owner); else the data
 * directory moved away beside it (`main.broken`, the runbook's step 3); else PGDATA's parent when
 * root does not own it (a container's `/var/lib/postgresql`). Throws naming the fix when none tells.
 */
export function clusterOwner(pgData: string, configRoot = DEBIAN_CONFIG_ROOT): ClusterOwner {
  const found =
    owned(pgData, statOf(pgData)) ??
    debianConfigOwner(pgData, configRoot) ??
    movedAwayOwner(pgData) ??
    owned(dirname(pgData), statOf(dirname(pgData)));
  if (found) return found;
  throw new Error(
    `cannot tell who owns the cluster in ${pgData}: it is gone or root's, no ${configRoot}/*/*/postgresql.conf names it, no data directory was moved away beside it, and its parent is root's; make it as the cluster's owner (install -d -m 700 -o postgres -g postgres ${pgData}) and run this again`,
  );
}

/** The owner of the Debian config directory whose postgresql.conf names `pgData` as its data directory. */
function debianConfigOwner(pgData: string, configRoot: string): ClusterOwner | undefined {
  const wanted = resolve(pgData);
  for (const version of entries(configRoot)) {
    for (const cluster of entries(join(configRoot, version))) {
      const conf = join(configRoot, version, cluster, 'postgresql.conf');
      let text: string;
      try {
        text = readFileSync(conf, 'utf8');
      } catch {
        continue;
      }
      const named = /^\s*data_directory\s*=\s*'([^']+)'/m.exec(text)?.[1];
      if (named && resolve(named) === wanted) return owned(conf, statOf(conf));
    }
  }
  return undefined;
}

/** A directory beside PGDATA, named as it is and more (`main.broken`, `main-old`), that holds a cluster. */
function movedAwayOwner(pgData: string): ClusterOwner | undefined {
  const parent = dirname(pgData);
  const name = basename(pgData);
  for (const entry of entries(parent).sort()) {
    const path = join(parent, entry);
    if (entry === name || !entry.startsWith(name) || !holdsCluster(path)) continue;
    const found = owned(path, statOf(path));
    if (found) return found;
  }
  return undefined;
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The user's name from /etc/passwd (what `chown` takes), else `uid N`. */
export function userName(uid: number): string {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((row) => row.split(':')[2] === String(uid));
    if (line) return line.split(':')[0]!;
  } catch {}
  return `uid ${uid}`;
}
