import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { type ClamdScanner, createClamdScanner } from '@darkroom/moderation';

/**
 * The real clamd that `scripts/clamd.sh start` runs for the tests, and its signatures: the EICAR
 * body signature (.ndb) and a YARA rule the script writes, and a hash file (test.hdb) the tests add
 * the files they make to.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Where scripts/clamd.sh keeps its signatures (CLAMD_DIR, as the script reads it). */
const CLAMD_DIR = process.env.CLAMD_DIR ?? join(root, '.tools', 'clamd');
const DATABASE_DIR = join(CLAMD_DIR, 'db');
/** clamd's LocalSocket, as scripts/clamd.sh configures it. */
export const CLAMD_SOCKET = join(CLAMD_DIR, 'clamd.sock');
const HASH_FILE = join(DATABASE_DIR, 'test.hdb');
const HASH_FILE_LOCK = `${HASH_FILE}.lock`;

/** `host:port` of the tests' clamd; TEST_CLAMD_HOST overrides. */
export const TEST_CLAMD_HOST = process.env.TEST_CLAMD_HOST ?? '127.0.0.1:3310';

/**
 * The names clamd reports for scripts/clamd.sh's signatures: its own databases, unsigned, are
 * `.UNOFFICIAL`, and a YARA rule's name is prefixed `YARA.`.
 */
export const TEST_SIGNATURES = {
  eicar: 'Darkroom.Test.EICAR.UNOFFICIAL',
  yara: 'YARA.Darkroom_Test_Marker.UNOFFICIAL',
  /** What a hash signature added by `addHashSignatures` under `name` is reported as. */
  hash: (name: string) => `${name}.UNOFFICIAL`,
} as const;

/** The string scripts/clamd.sh's YARA rule matches. */
export const YARA_MARKER = 'DARKROOM-YARA-TEST-MARKER';

export function testClamdScanner(options: { timeoutMs?: number; maxBytes?: number } = {}): ClamdScanner {
  const [host, port] = TEST_CLAMD_HOST.split(':');
  return createClamdScanner({ host, port: Number(port), timeoutMs: options.timeoutMs ?? 30_000, maxBytes: options.maxBytes ?? 100 << 20 });
}

/**
 * Adds each file's whole-file MD5 (`sigtool --md5`) to test.hdb under its name, then has clamd
 * reload and waits until it reports the first of them: RELOAD answers before the reload is done,
 * and scans meanwhile may still see the old set.
 */
export async function addHashSignatures(files: { name: string; path: string }[]): Promise<void> {
  if (files.length === 0) return;
  const lines = await Promise.all(
    files.map(async ({ name, path }) => {
      const { stdout } = await run('sigtool', ['--md5', path]);
      const [md5, size] = stdout.trim().split(':');
      return `${md5}:${size}:${name}`;
    }),
  );
  await withHashFileLock(async () => {
    const present = (await readFile(HASH_FILE, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    const merged = [...new Set([...present, ...lines])];
    await writeFile(`${HASH_FILE}.tmp`, `${merged.join('\n')}\n`);
    // Renamed into place: clamd never loads a half-written file.
    await rename(`${HASH_FILE}.tmp`, HASH_FILE);
  });
  const scanner = testClamdScanner();
  await scanner.reload();
  const first = files[0]!;
  await waitUntilReported(scanner, await readFile(first.path), TEST_SIGNATURES.hash(first.name));
}

async function waitUntilReported(scanner: ClamdScanner, bytes: Buffer, signature: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const verdict = await scanner.scanStream(Readable.from([bytes])).catch(() => null);
    if (verdict?.outcome === 'infected' && verdict.signature === signature) return;
    if (Date.now() > deadline)
      throw new Error(`clamd did not report ${signature} within 30 s of RELOAD (is it scripts/clamd.sh's, reading ${DATABASE_DIR}?)`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One writer of test.hdb at a time, across the test files running in parallel (a directory made atomically). */
async function withHashFileLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await mkdir(HASH_FILE_LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await work();
  } finally {
    await rm(HASH_FILE_LOCK, { recursive: true, force: true });
  }
}
