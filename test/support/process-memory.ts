import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * The sampler, on a thread of its own: the test's thread may be busy for a while (hashing what it
 * reads), and readings taken late would miss the peaks between them.
 */
const SAMPLER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const readings = [];
const read = () => readings.push({ at: Date.now(), bytes: Number(/^VmRSS:\\s+(\\d+) kB/m.exec(readFileSync('/proc/' + workerData.pid + '/status', 'utf8'))[1]) * 1024 });
read();
const timer = setInterval(read, workerData.everyMs);
// Listening on (not once) keeps the thread alive after it answers, until it is terminated: a thread
// that ended by itself could be seen to exit before its answer arrives.
parentPort.on('message', () => {
  clearInterval(timer);
  read();
  parentPort.postMessage(readings);
});
`;

export interface ResidentReading {
  /** When it was taken (`Date.now()`). */
  at: number;
  bytes: number;
}

export interface ResidentSamples {
  /** Every reading, in the order taken. */
  readings: ResidentReading[];
  highest: number;
}

/** The highest of the readings taken from `from` to `to` (both `Date.now()`), and the last one before `from`. */
export function readingsAround(samples: ResidentSamples, from: number, to: number): { before: number; highest: number } {
  const before = samples.readings.filter((r) => r.at < from).at(-1);
  const within = samples.readings.filter((r) => r.at >= from && r.at <= to);
  if (!before || within.length === 0) throw new Error('no readings around the time asked for');
  return { before: before.bytes, highest: Math.max(...within.map((r) => r.bytes)) };
}

/** Reads a process's resident memory every `everyMs` while `during` runs, from before it starts until after it ends. */
export async function sampleResident<T>(pid: number, everyMs: number, during: () => Promise<T>): Promise<{ result: T; samples: ResidentSamples }> {
  const sampler = new Worker(SAMPLER, { eval: true, workerData: { pid, everyMs } });
  // Whatever ends the sampler (the process gone, a reading it cannot parse) ends the wait for its readings too.
  const ended = new Promise<never>((_, reject) => {
    sampler.once('error', reject);
    sampler.once('exit', (code) => reject(new Error(`the memory sampler exited (${code}) before it was asked for its readings`)));
  });
  ended.catch(() => {});
  try {
    await Promise.race([once(sampler, 'online'), ended]);
    const result = await during();
    sampler.postMessage('stop');
    const [readings] = (await Promise.race([once(sampler, 'message'), ended])) as [ResidentReading[]];
    return { result, samples: { readings, highest: Math.max(...readings.map((r) => r.bytes)) } };
  } finally {
    await sampler.terminate();
  }
}

/** The resident memory a process settles at while idle: the lowest of readings over `forMs`. */
export async function settledResident(pid: number, forMs = 500, everyMs = 50): Promise<number> {
  const { samples } = await sampleResident(pid, everyMs, () => new Promise((resolve) => setTimeout(resolve, forMs)));
  return Math.min(...samples.readings.map((r) => r.bytes));
}
