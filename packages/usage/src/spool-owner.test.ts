import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isReplayable, thisProcess, UNCHECKED_OWNER_AGE_MS, type SpoolOwner } from './spool-owner.js';

const me = thisProcess();
const now = Date.now();
const justNow = now - 1000;
const anHourAgo = now - UNCHECKED_OWNER_AGE_MS;

/** A pid that was a process's and is free now. */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
afterAll(() => void sleeper.kill('SIGKILL'));

describe.runIf(process.platform === 'linux')('whose spool files are replayed', () => {
  it('reads this process from /proc: its boot, PID namespace and start', () => {
    expect(me.pid).toBe(process.pid);
    expect(me.boot).toMatch(/^[0-9a-f]{32}$/);
    expect(me.pidNs).toMatch(/^\d+$/);
    expect(me.start).toMatch(/^\d+$/);
  });

  it('leaves this process’s own files alone, however old', async () => {
    expect(await isReplayable(me, anHourAgo - 1, now)).toBe(false);
  });

  it('replays at once the files of a process of this machine that is gone', async () => {
    expect(await isReplayable({ ...me, pid: exitedPid() }, justNow, now)).toBe(true);
  });

  it('replays the files of a pid another process took since', async () => {
    expect(await isReplayable({ ...me, start: String(Number(me.start) + 1) }, justNow, now)).toBe(true);
  });

  it('leaves a live process’s files alone, however old', async () => {
    const stat = readFileSync(`/proc/${sleeper.pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
    expect(await isReplayable({ ...me, pid: sleeper.pid!, start }, anHourAgo - 1, now)).toBe(false);
  });

  it.each<[string, Partial<SpoolOwner>]>([
    ['another machine', { host: 'elsewhere', boot: 'f'.repeat(32) }],
    ['another boot of this machine', { boot: '0'.repeat(32) }],
    ['another container (PID namespace) of this machine', { pidNs: '1' }],
  ])('replays the files of %s only once they have not changed for an hour', async (_, other) => {
    const owner = { ...me, pid: exitedPid(), ...other };
    expect(await isReplayable(owner, justNow, now)).toBe(false);
    expect(await isReplayable(owner, anHourAgo, now)).toBe(true);
  });

  it('waits the hour where this process cannot look owners up (no /proc)', async () => {
    const blind: SpoolOwner = { ...me, boot: '-', pidNs: '-', start: '-' };
    const owner = { ...me, pid: exitedPid() };
    expect(await isReplayable(owner, justNow, now, blind)).toBe(false);
    expect(await isReplayable(owner, anHourAgo, now, blind)).toBe(true);
  });
});
