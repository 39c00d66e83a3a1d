/**
 * The private bench's large object (bench/private.ts): the delivery process's memory while it streams
 * through `/p/`, and one client's rate through it against a presigned GET from the bucket.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { ObjectLocation, ObjectStorage } from '@darkroom/storage';
import { mb, memoryOf, sampleRss } from './support.js';
import { type BenchRow, row } from './table.js';

const run = promisify(execFile);
/**
 * BENCH_PRIVATE_LARGE_MB makes the large object smaller: on the in-memory S3 server (4 GiB, shared
 * by whatever else runs) a deleted object's space comes back only with the gateway's garbage collection.
 */
export const LARGE_MB = Number(process.env.BENCH_PRIVATE_LARGE_MB ?? 500);
export const LARGE_BYTES = LARGE_MB * 1_000_000;
/** A name under the private photo's variant prefix: `/p/` serves any key there (apps/delivery/src/request/private-rest.ts). */
export const LARGE_NAME = 'bench-large.bin';
const RSS_EVERY_MS = 50;
const RSS_GROWTH_LIMIT_MB = 16;

interface Download {
  bytes: number;
  seconds: number;
}

/**
 * One client reading the object at `url` whole as fast as it can, into nothing: curl, a process of
 * its own, so this process's RSS readings never wait on the read.
 */
async function download(url: string, size: number): Promise<Download> {
  const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}', url]);
  const [status, bytes, seconds] = stdout.trim().split(' ').map(Number) as [number, number, number];
  if (status !== 200 || bytes !== size) throw new Error(`${url}: ${status}, ${bytes} of ${size} bytes`);
  return { bytes, seconds };
}

/** LARGE_BYTES of one random megabyte repeated, streamed to the bucket (never held whole here). */
function largeBody(): Readable {
  const chunk = randomBytes(1_000_000);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < LARGE_BYTES; sent += chunk.length) yield chunk;
    })(),
  );
}

export const mbPerSecond = (bytesPerSecond: number) => `${Math.round(bytesPerSecond / 1e6)} MB/s`;
const rateOf = (d: Download) => d.bytes / d.seconds;

/** The large object's place, how each side reads it, and the delivery process whose memory is read. */
export interface LargeObject {
  storage: ObjectStorage;
  location: ObjectLocation;
  urls(): Promise<{ throughDelivery: string; fromBucket: string }>;
  deliveryPid: number;
}

/**
 * The large object, put at its place, read whole from the bucket and through `/p/` (bucket, /p/,
 * /p/, bucket), the delivery process's VmRSS read every RSS_EVERY_MS through its two reads against
 * its RSS just before them; deleted afterwards.
 */
export async function largeObjectRows({ storage, location, urls: urlsOf, deliveryPid }: LargeObject): Promise<BenchRow[]> {
  await storage.putObject({ ...location, body: largeBody(), contentType: 'application/octet-stream' });
  try {
    const urls = await urlsOf();
    const fromBucket = [await download(urls.fromBucket, LARGE_BYTES)];
    const beforeMb = memoryOf(deliveryPid).rssMb;
    const twice = async () => [await download(urls.throughDelivery, LARGE_BYTES), await download(urls.throughDelivery, LARGE_BYTES)];
    const { result: through, peakRssMb } = await sampleRss(deliveryPid, twice(), RSS_EVERY_MS);
    fromBucket.push(await download(urls.fromBucket, LARGE_BYTES));
    const mean = (ds: Download[]) => ds.reduce((sum, d) => sum + rateOf(d), 0) / ds.length;
    const growth = peakRssMb - beforeMb;
    return [
      row(
        `private ${LARGE_MB} MB object through /p/: delivery RSS before → peak (read every ${RSS_EVERY_MS} ms)`,
        `${mb(beforeMb)} → ${mb(peakRssMb)} (${growth >= 0 ? '+' : ''}${mb(growth)})`,
        '—',
        null,
        `flat (≤ ${RSS_GROWTH_LIMIT_MB} MB growth)`,
        growth <= RSS_GROWTH_LIMIT_MB,
      ),
      row(
        `private ${LARGE_MB} MB object through /p/ vs presigned GET: one client streaming`,
        mbPerSecond(mean(through)),
        mbPerSecond(mean(fromBucket)),
        mean(through) / mean(fromBucket),
        '—',
        null,
      ),
    ];
  } finally {
    await storage.deleteObject(location);
  }
}
