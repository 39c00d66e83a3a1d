/**
 * `npm run bench`: every performance figure of the project in one table, each against a baseline
 * measured in the same run on the same machine. A benchmark, not a test: nothing here fails a build.
 *
 *   npm run bench [-- --only api|worker|delivery|recover]
 */
import { runApiBench } from './api.js';
import { runDeliveryBench } from './delivery.js';
import { runRecoverBench } from './recover.js';
import { printTable, type BenchRow } from './table.js';
import { runWorkerBench } from './worker.js';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const rows: BenchRow[] = [];
if (!only || only === 'api') rows.push(...(await runApiBench()));
if (!only || only === 'worker') rows.push(...(await runWorkerBench()));
if (!only || only === 'delivery') rows.push(...(await runDeliveryBench()));
if (!only || only === 'recover') rows.push(...(await runRecoverBench()));
console.log('');
printTable(rows);
