import type { BenchRow } from './table.js';

/** Worker figures (issue 6, goals 2–5). Filled in by the worker benchmark. */
export async function runWorkerBench(): Promise<BenchRow[]> {
  throw new Error('worker benchmark not written yet');
}
