import { describe, expect, it } from 'vitest';
import { KILL_GRACE_MS, runProcess } from './run-process.js';

const node = process.execPath;

describe('runProcess', () => {
  it('runs without a shell: arguments reach the program byte for byte', async () => {
    const result = await runProcess(node, ['-e', 'process.stdout.write(process.argv[1])', '$(echo hi); `id` | rm -rf x'], { timeoutMs: 10_000 });
    expect(result.stdout.toString()).toBe('$(echo hi); `id` | rm -rf x');
    expect(result.exitCode).toBe(0);
  });

  it('keeps only the tail of stderr', async () => {
    const script = "process.stderr.write('x'.repeat(100000)); process.stderr.write('THE END'); process.exit(3)";
    const result = await runProcess(node, ['-e', script], { timeoutMs: 10_000 });
    expect(result.exitCode).toBe(3);
    expect(result.stderrTail.length).toBeLessThanOrEqual(4096);
    expect(result.stderrTail.endsWith('THE END')).toBe(true);
  });

  it('kills a child that overruns stdout', async () => {
    const result = await runProcess(node, ['-e', "setInterval(() => process.stdout.write('y'.repeat(65536)), 1)"], {
      timeoutMs: 10_000,
      maxStdoutBytes: 100_000,
    });
    expect(result.overflowed).toBe(true);
    expect(result.stdout.length).toBeLessThanOrEqual(100_000);
  });

  it('ends the child when the stdout reader says it has read enough', async () => {
    let chunks = 0;
    const result = await runProcess(node, ['-e', "setInterval(() => console.log('line'), 5)"], {
      timeoutMs: 20_000,
      onStdout: () => ++chunks < 3,
    });
    expect(result).toMatchObject({ stoppedEarly: true, timedOut: false, exitSignal: 'SIGTERM' });
  });

  it('SIGKILLs a child that ignores SIGTERM once the timeout and the grace have passed', async () => {
    const started = performance.now();
    // sh starts in milliseconds, so the trap is set long before the timeout.
    const result = await runProcess('/bin/sh', ['-c', "trap '' TERM; while :; do sleep 0.2; done"], { timeoutMs: 300 });
    expect(result).toMatchObject({ timedOut: true, exitSignal: 'SIGKILL' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(300 + KILL_GRACE_MS - 50);
  });

  it('rejects with an AbortError when the signal aborts, and ends the child', async () => {
    const controller = new AbortController();
    let pid = 0;
    const pending = runProcess(node, ['-e', 'console.log(process.pid); setInterval(() => {}, 1000)'], {
      timeoutMs: 30_000,
      signal: controller.signal,
      onStdout: (chunk) => {
        pid = Number(chunk.toString().trim());
        controller.abort();
      },
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/); // the rejection comes only once the child is gone
    await expect(runProcess(node, ['-e', ''], { timeoutMs: 1000, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects with the spawn error when the program is missing', async () => {
    await expect(runProcess('/nonexistent/ffmpeg', [], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
