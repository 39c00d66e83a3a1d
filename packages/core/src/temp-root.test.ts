import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { thisProcess } from './process-owner.js';
import { claimTempRoot, removeDeadRoots } from './temp-root.js';

const log = { info: () => {}, warn: () => {} };
const me = thisProcess();
const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
afterAll(() => void sleeper.kill('SIGKILL'));

/** The root a worker of this pid and start would have made. */
const rootOf = (pid: number, start: string, app = 'worker') => `darkroom-${app}_${[me.host, me.boot, me.pidNs, pid, start].join('_')}_abcdef`;
const startOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};

describe.runIf(process.platform === 'linux')('a process’s temp root', () => {
  it('removes the roots of processes that are gone (a worker’s, a delivery server’s), never a live one’s, its own, or a name it did not write', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'darkroom-temp-root-'));
    try {
      const own = claimTempRoot(tmp, 'worker');
      const exited = spawnSync(process.execPath, ['-e', '']).pid!;
      const gone = rootOf(exited, '1', 'delivery');
      const reused = rootOf(sleeper.pid!, String(Number(startOf(sleeper.pid!)) + 1));
      const live = rootOf(sleeper.pid!, startOf(sleeper.pid!));
      const elsewhere = `darkroom-worker_${['other', 'f'.repeat(32), '1', exited, '1'].join('_')}_abcdef`;
      for (const name of [gone, reused, live, elsewhere, 'darkroom-unrelated', 'darkroom-worker_bad']) await mkdir(join(tmp, name));
      expect(await removeDeadRoots(tmp, log)).toBe(2);
      expect((await readdir(tmp)).sort()).toEqual(
        [live, elsewhere, 'darkroom-unrelated', 'darkroom-worker_bad', own.dir.slice(tmp.length + 1)].sort(),
      );
      await own.remove();
      expect(await readdir(tmp)).not.toContain(own.dir.slice(tmp.length + 1));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
