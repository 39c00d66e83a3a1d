/**
 * `npm run bench`: every performance figure of the project in one table, each against a baseline
 * measured in the same run on the same machine. A benchmark, not a test: nothing here fails a build.
 * Each run also writes its table and the machine's facts to `bench/results/` (bench/results.ts).
 *
 *   npm run bench [-- --only api|worker|delivery|recover|backup|queue-mix|audio|streaming|chunked|private|import|classifier|faces|qauto|clamd|moderation|usage]
 */
import { runApiBench } from './api.js';
import { runAudioBench } from './audio.js';
import { runBackupBench } from './backup.js';
import { runChunkedBench } from './chunked.js';
import { runClamdBench } from './clamd.js';
import { runClassifierBench } from './classifier.js';
import { runFacesBench } from './faces.js';
import { runDeliveryBench } from './delivery.js';
import { runImportBench } from './import.js';
import { runModerationBench } from './moderation.js';
import { runPrivateBench } from './private.js';
import { runQautoBench } from './qauto.js';
import { runQueueMixBench } from './queue-mix.js';
import { runRecoverBench } from './recover.js';
import { startRun, writeResults } from './results.js';
import { runStreamingBench } from './streaming.js';
import { printTable, type BenchRow } from './table.js';
import { runUsageBench } from './usage.js';
import { runWorkerBench } from './worker.js';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const parts: [string, () => Promise<BenchRow[]>][] = [
  ['api', runApiBench],
  ['worker', runWorkerBench],
  ['delivery', runDeliveryBench],
  ['recover', runRecoverBench],
  ['backup', runBackupBench],
  ['queue-mix', runQueueMixBench],
  ['audio', runAudioBench],
  ['streaming', runStreamingBench],
  ['chunked', runChunkedBench],
  ['private', runPrivateBench],
  ['import', runImportBench],
  ['classifier', runClassifierBench],
  ['faces', runFacesBench],
  ['qauto', runQautoBench],
  ['clamd', runClamdBench],
  ['moderation', runModerationBench],
  ['usage', runUsageBench],
];
const start = startRun();
const rows: BenchRow[] = [];
const failed: string[] = [];
for (const [name, run] of parts) {
  if (only && only !== name) continue;
  try {
    rows.push(...(await run()));
  } catch (error) {
    // One part that cannot run (a missing tool, a peer that will not start) costs the run only its own rows.
    console.error(`bench part ${name} failed:`, error);
    failed.push(name);
    rows.push({ metric: `${name}: the part failed (see its error above)`, darkroom: '—', baseline: '—', ratio: '—', goal: '—', met: 'no' });
  }
}
console.log('');
printTable(rows);
console.log(`\nrecorded in ${await writeResults(only ?? 'all', start, rows)}`);
if (failed.length > 0) {
  console.error(`bench parts that failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
