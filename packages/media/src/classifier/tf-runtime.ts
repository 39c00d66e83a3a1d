import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadOnce } from './load-once.js';

/** The one TensorFlow.js of the process: every model (the explicit classifier, later face-api) shares it. */
export type TfRuntime = typeof import('@tensorflow/tfjs');

/** TensorFlow.js's WebAssembly build: no native binary to download at install, unlike tfjs-node. */
const BACKEND = 'wasm';

/**
 * The package's own `.wasm` files, by path: the backend would otherwise look beside a script URL,
 * and fetch them. Resolved through the package's `main` so it follows wherever npm put it (hoisted).
 */
function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

async function startRuntime(): Promise<TfRuntime> {
  // Imported here, not at the top: the API and delivery import this package and never classify,
  // and TensorFlow.js costs a process about 26 MB and a tenth of a second to import.
  const [tf, { setThreadsCount, setWasmPaths }] = await Promise.all([import('@tensorflow/tfjs'), import('@tensorflow/tfjs-backend-wasm')]);
  setWasmPaths(wasmDirectory());
  // One thread: a worker already runs one render per core (its render slots), so XNNPACK's pool of
  // a thread per core would take cores the other jobs hold. TensorFlow.js 4.22 finds no thread
  // support on Node 24 anyway; both are set so that a newer one does not start a pool. They must be
  // set before the backend starts.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(1);
  if (!(await tf.setBackend(BACKEND))) throw new Error(`the ${BACKEND} backend of TensorFlow.js did not start`);
  await tf.ready();
  return tf;
}

/**
 * TensorFlow.js on its WebAssembly backend, started once per process. Concurrent callers share one
 * start; a start that failed is forgotten, so the next call (the job's retry) tries again.
 */
export const loadTfRuntime: () => Promise<TfRuntime> = loadOnce(startRuntime);
