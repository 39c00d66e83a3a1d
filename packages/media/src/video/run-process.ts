import { spawn } from 'node:child_process';
import { STDERR_TAIL_BYTES } from './errors.js';

export interface RunOptions {
  /** Kill the child after this long (SIGTERM, then SIGKILL after `KILL_GRACE_MS`). */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Refuse (kill the child) once stdout grows past this; a hostile file must not make ffprobe print gigabytes. */
  maxStdoutBytes?: number;
  /** Receives stdout as it arrives instead of collecting it; returning false ends the child (`stoppedEarly`). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a line callback returns nothing to go on, or false to stop.
  onStdout?: (chunk: Buffer) => boolean | void;
}

export interface RunResult {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: Buffer;
  /** The last `STDERR_TAIL_BYTES` of stderr, as text. */
  stderrTail: string;
  timedOut: boolean;
  /** stdout passed `maxStdoutBytes`; the child was killed. */
  overflowed: boolean;
  /** `onStdout` asked for the child to be ended. */
  stoppedEarly: boolean;
}

/** How long a child gets to exit after SIGTERM before it is SIGKILLed. */
export const KILL_GRACE_MS = 2000;

/** What a rejected `signal` abort looks like: the same shape as fetch's, so callers test `name === 'AbortError'`. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new DOMException('The video operation was aborted.', 'AbortError');
  return Object.assign(error, { cause: reason });
}

/**
 * Runs a program with an argument array (never a shell, so no byte of a file name or spec is ever
 * parsed as a command), without stdin, and ends it on timeout or abort. stderr is kept to its tail:
 * ffmpeg can print a line per broken packet of a hostile file.
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdoutChunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    let timedOut = false;
    let overflowed = false;
    let stoppedEarly = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;

    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null || killTimer) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      if (options.onStdout) {
        if (options.onStdout(chunk) === false && !stoppedEarly) {
          stoppedEarly = true;
          stop();
        }
        return;
      }
      stdoutBytes += chunk.length;
      if (options.maxStdoutBytes !== undefined && stdoutBytes > options.maxStdoutBytes) {
        overflowed = true;
        return stop();
      }
      stdoutChunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.length - STDERR_TAIL_BYTES);
    });

    const finish = (): void => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      finish();
      reject(error); // ENOENT (ffmpeg not installed) and the like: the machine's trouble, not the file's
    });
    child.on('close', (exitCode, exitSignal) => {
      finish();
      if (aborted && signal) return reject(abortError(signal));
      resolve({
        exitCode,
        exitSignal,
        stdout: Buffer.concat(stdoutChunks),
        stderrTail: stderr.toString('utf8').trim(),
        timedOut,
        overflowed,
        stoppedEarly,
      });
    });
  });
}
