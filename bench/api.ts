import type { BenchRow } from './table.js';

/** API figures (issue 6, goals 1 and 5). Filled in by the API benchmark. */
export async function runApiBench(): Promise<BenchRow[]> {
  throw new Error('API benchmark not written yet');
}
