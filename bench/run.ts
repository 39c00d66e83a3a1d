/**
 * `npm run bench`: every performance figure of the project in one table, each against a baseline
 * measured in the same run on the same machine. A benchmark, not a test: nothing here fails a build.
 * Each run also writes its table and the machine's facts to `bench/results/` (bench/results.ts).
 *
 *   npm run bench [-- --only api|worker|delivery|recover|backup|streaming|audio]
 */
import { runApiBench } from './api.js';
import { runAudioBench } from './audio.js';
import { runBackupBench } from './backup.js';
import { runDeliveryBench } from './delivery.js';
import { runRecoverBench } from './recover.js';
import { startRun, writeResults } from './results.js';
import { runStreamingBench } from './streaming.js';
import { printTable, type BenchRow } from './table.js';
import { runWorkerBench } from './worker.js';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const start = startRun();
const rows: BenchRow[] = [];
if (!only || only === 'api') rows.push(...(await runApiBench()));
if (!only || only === 'worker') rows.push(...(await runWorkerBench()));
if (!only || only === 'delivery') rows.push(...(await runDeliveryBench()));
if (!only || only === 'recover') rows.push(...(await runRecoverBench()));
if (!only || only === 'backup') rows.push(...(await runBackupBench()));
if (!only || only === 'streaming') rows.push(...(await runStreamingBench()));
if (!only || only === 'audio') rows.push(...(await runAudioBench()));
console.log('');
printTable(rows);
console.log(`\nrecorded in ${await writeResults(only ?? 'all', start, rows)}`);
