/**
 * A URL import of large files from a local HTTP server (bench/import-files-server.ts), timed from
 * its POST until every asset is `queued`, against a bare loop of streamed GETs each piped into a
 * multipart upload by the AWS SDK's lib-storage (the import's part size), both IMPORT_CONCURRENCY
 * files at a time, and the importing process's VmRSS (the worker that runs the import, rendering
 * none of its files) while it runs.
 */
import { Agent, get, type IncomingMessage } from 'node:http';
import { Upload } from '@aws-sdk/lib-storage';
import { abortStaleMultipartUploads, createS3Storage, parseStorageConfig } from '@darkroom/storage';
import { STREAM_PART_BYTES } from '@darkroom/intake/imports';
import { createS3Client } from '../packages/storage/src/s3-client.js';
import { eachAtOnce } from './import-bucket.js';
import {
  collectDeletedObjects,
  emptyQueues,
  ensureStoreRoom,
  IMPORT_CONCURRENCY,
  type ImportRig,
  startImportRig,
  storeUse,
  timeImport,
} from './import-support.js';
import { benchEnv, freePort, mb, memoryOf, sampleRss, spawnNode, step, stop, waitForHttp } from './support.js';
import { type BenchRow, row } from './table.js';

/**
 * The files and their size. Each pass writes them all to the S3 server, which frees deleted
 * data only once collected (collectDeletedObjects): the in-memory store is small and shared.
 */
const FILES = Number(process.env.BENCH_IMPORT_URL_FILES ?? 20);
const FILE_MB = Number(process.env.BENCH_IMPORT_URL_MB ?? 50);
const FILE_BYTES = FILE_MB * 1_000_000;
const RSS_EVERY_MS = 100;
/** How long to wait for the S3 server's OSD to report its store's use again after a pass's objects are freed. */
const STORE_REPORT_MS = 20_000;
/** Where the bare loop's uploads go in the deployment's bucket, deleted after each pass. */
const STREAMS_PREFIX = 'bench-import-streams/';

const config = parseStorageConfig(benchEnv);
const storage = createS3Storage(config);

/** The server's URLs of one pass: a path of their own, so that a second import's are new identities. */
const urlsOf = (base: string, pass: number) => Array.from({ length: FILES }, (_, n) => `${base}/pass-${pass}/${n}.jpg`);

function open(agent: Agent, url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => (response.statusCode === 200 ? resolve(response) : reject(new Error(`${url}: ${response.statusCode}`)))).on(
      'error',
      reject,
    );
  });
}

/** The bare loop: each URL's body straight into a multipart upload (lib-storage, the import's part size); ms. */
async function bareStreams(urls: readonly string[]): Promise<number> {
  const client = createS3Client(config);
  const agent = new Agent({ keepAlive: true });
  try {
    const started = performance.now();
    await eachAtOnce(urls, IMPORT_CONCURRENCY, async (url) => {
      const body = await open(agent, url);
      const params = {
        Bucket: config.bucket,
        Key: `${STREAMS_PREFIX}${new URL(url).pathname.slice(1)}`,
        Body: body,
        ContentType: 'application/octet-stream',
      };
      await new Upload({ client, params, partSize: STREAM_PART_BYTES }).done();
    });
    return performance.now() - started;
  } finally {
    agent.destroy();
    client.destroy();
  }
}

/** The store's count once the OSD next reports it (every few seconds): a reading other than `before`, or null after STORE_REPORT_MS. */
async function storeBytesAfter(before: number): Promise<number | null> {
  for (const deadline = Date.now() + STORE_REPORT_MS; Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = (await storeUse())?.used ?? null;
    if (now !== before) return now;
  }
  return null;
}

/**
 * Deletes what a pass wrote, and any multipart upload left open under it (a failure whose abort
 * failed too: an S3 gateway stopped meanwhile, which the run should know of), then has the S3
 * server free the space, saying how much its store holds before and after.
 */
async function clearPass(prefixes: string[]): Promise<void> {
  const before = (await storeUse())?.used ?? null;
  let leftOpen = 0;
  for (const prefix of prefixes) {
    await storage.deletePrefix({ bucket: config.bucket, prefix });
    leftOpen += await abortStaleMultipartUploads(storage, { bucket: config.bucket, prefix, initiatedBefore: new Date() });
  }
  await collectDeletedObjects();
  if (leftOpen > 0) console.log(`  ${leftOpen} multipart uploads had been left open (aborted now): a part failed and so did its abort`);
  if (before === null) return;
  const after = await storeBytesAfter(before);
  const afterText = after === null ? `no other count within ${STORE_REPORT_MS / 1000} s` : mb(after / 2 ** 20);
  console.log(`  S3 store: ${mb(before / 2 ** 20)} used, once deleted and collected ${afterText} (all its users' data)`);
}

/** One pass of either side: its time, and the VmRSS of the process that moved the bytes, just before and at its peak. */
interface Pass {
  ms: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

/** `work` (a pass's time in ms), with `pid`'s VmRSS read just before and every RSS_EVERY_MS while it runs. */
async function measured(pid: number, work: () => Promise<number>): Promise<Pass> {
  const rssBeforeMb = memoryOf(pid).rssMb;
  const { result: ms, peakRssMb } = await sampleRss(pid, work(), RSS_EVERY_MS);
  return { ms, rssBeforeMb, peakRssMb };
}

/** The bare loop in this process, what it wrote deleted afterwards. */
async function barePass(urls: readonly string[]): Promise<Pass> {
  await ensureStoreRoom(urls.length * FILE_BYTES);
  const pass = await measured(process.pid, () => bareStreams(urls));
  await clearPass([STREAMS_PREFIX]);
  return pass;
}

/** One import of the pass's URLs by the importing worker, then its assets' objects deleted. */
async function importPass(rig: ImportRig, urls: readonly string[]): Promise<Pass> {
  const body = { source: { type: 'urls', items: urls.map((url) => ({ url })) } };
  await ensureStoreRoom(urls.length * FILE_BYTES);
  const pass = await measured(rig.importer.pid!, () => timeImport(rig, rig.tenant, rig.tenantId, body, urls.length));
  await clearPass([`originals/${rig.tenantId}/`, `staging/${rig.tenantId}/`]);
  return pass;
}

const mbPerSecond = (passes: Pass[]) => (passes.length * FILES * FILE_BYTES) / 1e6 / (passes.reduce((sum, p) => sum + p.ms, 0) / 1000);
/** The process's VmRSS before its first pass → the peak of each pass, and the largest growth. */
function rssFigure(passes: Pass[]): { text: string; growthMb: number } {
  const before = passes[0]!.rssBeforeMb;
  const growthMb = Math.max(...passes.map((p) => p.peakRssMb)) - before;
  return { text: `${mb(before)} → ${passes.map((p) => mb(p.peakRssMb)).join(', ')} (+${mb(growthMb)})`, growthMb };
}

function rows(imports: Pass[], bare: Pass[]): BenchRow[] {
  const [ours, baseline] = [mbPerSecond(imports), mbPerSecond(bare)];
  const [rss, bareRss] = [rssFigure(imports), rssFigure(bare)];
  // The files in flight held whole would take this much: a streamed import's growth is its parts in flight, whatever the files' size.
  const inFlight = Math.min(FILES, IMPORT_CONCURRENCY);
  const wholeMb = (inFlight * FILE_BYTES) / 2 ** 20;
  return [
    row(
      `URL import, ${FILES} files of ${FILE_MB} MB, POST → all queued, vs bare GET → multipart PUT (${IMPORT_CONCURRENCY} at a time)`,
      `${ours.toFixed(0)} MB/s`,
      `${baseline.toFixed(0)} MB/s`,
      ours / baseline,
      '≥ 0.80×',
      ours >= baseline * 0.8,
    ),
    row(
      `URL import: RSS before → peak of each pass (the importing worker; baseline: the bare loop's), read every ${RSS_EVERY_MS} ms`,
      rss.text,
      bareRss.text,
      null,
      `flat (< ${inFlight} files whole, ${mb(wholeMb)})`,
      rss.growthMb < wholeMb,
    ),
  ];
}

/** Bare, import, import, bare: each pass's objects deleted and collected before the next writes its own. */
export async function urlImportRows(): Promise<BenchRow[]> {
  const port = await freePort();
  const server = spawnNode(['--import', 'tsx', 'bench/import-files-server.ts'], { PORT: String(port), FILE_BYTES: String(FILE_BYTES) });
  const base = `http://127.0.0.1:${port}`;
  const rig = await startImportRig(0);
  try {
    await waitForHttp(`${base}/ready`);
    const what = `${FILES} × ${FILE_MB} MB`;
    const bare = [await step(`bare GET → multipart PUT, ${what}`, () => barePass(urlsOf(base, 0)))];
    const imports: Pass[] = [];
    for (const pass of [1, 2]) imports.push(await step(`URL import of ${what}, to every asset queued`, () => importPass(rig, urlsOf(base, pass))));
    bare.push(await step(`bare GET → multipart PUT, ${what}`, () => barePass(urlsOf(base, 3))));
    const seconds = (passes: Pass[]) => passes.map((p) => `${(p.ms / 1000).toFixed(1)} s`).join(', ');
    console.log(`  import: ${seconds(imports)}; bare: ${seconds(bare)}`);
    return rows(imports, bare);
  } finally {
    await Promise.all([rig.close(), stop(server)]);
    await emptyQueues();
  }
}
