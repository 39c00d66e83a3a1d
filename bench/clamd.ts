/**
 * `npm run bench -- --only clamd`, or alone: `npx tsx bench/clamd.ts`. A 10 MB photo scanned by the
 * clamd of scripts/clamd.sh through @darkroom/moderation's INSTREAM client, against the same file
 * read from disk as the baseline; the median of 5 of each, after one of each to warm up. With the
 * tests' signature set (EICAR, a YARA rule, a few hashes): the official databases cost more per
 * byte, so this is the client's and clamd's floor, not a deployment's figure.
 */
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createClamdScanner } from '@darkroom/moderation';
import sharp from 'sharp';
import { startRun, writeResults } from './results.js';
import { ROOT } from './support.js';
import { type BenchRow, medianMsAfterWarmUp, printTable, row } from './table.js';

const RUNS = 5;
const TARGET_BYTES = 10e6;
const CLAMD_HOST = process.env.BENCH_CLAMD_HOST ?? '127.0.0.1:3310';

/** A camera-like JPEG of at least 10 MB (quality 97 of a fixture upscaled to 53 MP), made once and kept. */
export async function tenMegabytePhoto(): Promise<string> {
  const dir = join(tmpdir(), 'darkroom-bench-inputs');
  const path = join(dir, 'clamd-10mb.jpg');
  if (((await stat(path).catch(() => undefined))?.size ?? 0) >= TARGET_BYTES) return path;
  await mkdir(dir, { recursive: true });
  await sharp(join(ROOT, 'fixtures/images/HMD_Nokia_8.3_5G.jpg'))
    .resize(8400, 6300, { fit: 'cover' })
    .jpeg({ quality: 97, chromaSubsampling: '4:4:4' })
    .toFile(path);
  const { size } = await stat(path);
  if (size < TARGET_BYTES) throw new Error(`the bench photo came out ${size} bytes, under 10 MB`);
  return path;
}

const discard = () =>
  new Writable({
    write: (_chunk, _encoding, done) => done(),
  });

/** The median ms of `RUNS` scans of a clean file by the clamd at `clamdHost` (`host:port`), and of reading it from disk, each after a warm-up. */
export async function scanAndReadMs(clamdHost: string, path: string): Promise<{ scanMs: number; readMs: number }> {
  const [host, port] = clamdHost.split(':');
  const scanner = createClamdScanner({ host, port: Number(port), timeoutMs: 60_000, maxBytes: 100 << 20 });
  if (!(await scanner.ping())) throw new Error(`no clamd answers on ${clamdHost}: bash scripts/clamd.sh start`);
  const readMs = await medianMsAfterWarmUp(RUNS, () => pipeline(createReadStream(path), discard()));
  const scanMs = await medianMsAfterWarmUp(RUNS, async () => {
    const verdict = await scanner.scanStream(createReadStream(path));
    if (verdict.outcome !== 'clean') throw new Error(`the bench photo is not clean to clamd: ${JSON.stringify(verdict)}`);
  });
  return { scanMs, readMs };
}

export async function runClamdBench(): Promise<BenchRow[]> {
  const path = await tenMegabytePhoto();
  const { scanMs, readMs } = await scanAndReadMs(CLAMD_HOST, path);
  const megabytes = ((await stat(path)).size / 1e6).toFixed(1);
  return [
    row(
      `clamd: scan of a ${megabytes} MB photo (tests' signatures), median of ${RUNS} vs reading it`,
      `${scanMs.toFixed(1)} ms`,
      `${readMs.toFixed(1)} ms`,
      scanMs / readMs,
      '—',
      null,
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const start = startRun();
  const rows = await runClamdBench();
  printTable(rows);
  console.log(`\nrecorded in ${await writeResults('clamd', start, rows)}`);
}
