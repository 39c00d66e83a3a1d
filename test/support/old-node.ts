import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A Node older than Darkroom's floor, as Debian's and NodeSource's packages give: the npm registry's
 * official binary (`node-<os>-<arch>`, the package the registry's `node` package installs).
 */
export const OLD_NODE_VERSION = '20.20.2';

/**
 * The old Node's `bin/` folder, downloaded once per machine into the user's cache (as the pinned
 * Node is downloaded once per clone into .tools/) and reused by every later run.
 */
export async function oldNodeBin(): Promise<string> {
  const os = process.platform === 'win32' ? 'win' : process.platform;
  const name = `node-${os}-${process.arch}`;
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'darkroom');
  const dir = join(cache, `${name}-${OLD_NODE_VERSION}`);
  if (existsSync(join(dir, 'bin', 'node'))) return join(dir, 'bin');
  await mkdir(cache, { recursive: true });
  // Unpacked beside the final folder and renamed into place, so neither an interrupted download
  // nor two runs at once leave a half folder there.
  const tmp = await mkdtemp(join(cache, '.download-'));
  try {
    const { stdout } = await run('npm', ['pack', '--silent', `${name}@${OLD_NODE_VERSION}`, '--pack-destination', tmp], { cwd: tmp });
    await run('tar', ['-xzf', join(tmp, stdout.trim().split('\n').at(-1)!), '-C', tmp]);
    await chmod(join(tmp, 'package', 'bin', 'node'), 0o755);
    await rename(join(tmp, 'package'), dir).catch((error: unknown) => {
      if (!existsSync(join(dir, 'bin', 'node'))) throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return join(dir, 'bin');
}
