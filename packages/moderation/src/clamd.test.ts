import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createClamdScanner, type ClamdScannerOptions } from './clamd.js';
import { ScannerUnavailableError } from './errors.js';
import { type FakeAnswer, type FakeClamd, startFakeClamd } from './test-fake-clamd.js';

const SIGNATURE = 'Fake.Test.Marker';
const NEEDLE = 'MARKER';
let fake: FakeClamd | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function scannerOf(answer: FakeAnswer, options: Partial<ClamdScannerOptions> = {}) {
  fake = await startFakeClamd(answer);
  return createClamdScanner({ host: '127.0.0.1', port: fake.port, timeoutMs: 2000, maxBytes: 1 << 20, ...options });
}

const chunks = (...parts: (string | Buffer)[]) => Readable.from(parts.map((part) => Buffer.from(part)));

/** A port nothing listens on: one the system gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function expectUnavailable(verdict: Promise<unknown>): Promise<ScannerUnavailableError> {
  const error = await verdict.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ScannerUnavailableError);
  const unavailable = error as ScannerUnavailableError;
  expect(unavailable.code).toBe('scanner_unavailable');
  // It may reach a job's error: no host, port or path in it.
  expect(unavailable.message).not.toMatch(/127\.0\.0\.1|:\d{2,5}\b|\//);
  return unavailable;
}

describe('the clamd client (INSTREAM)', () => {
  it('sends each chunk framed with its length, ends the stream, and reads a clean verdict', async () => {
    const scanner = await scannerOf({ kind: 'match', needle: NEEDLE, signature: SIGNATURE });
    expect(await scanner.scanStream(chunks('first chunk ', '', 'second'))).toEqual({ outcome: 'clean' });
    const [stream] = fake!.streams;
    // The empty chunk was not sent: a chunk of length 0 would have ended the stream there.
    expect(stream!.chunkLengths).toEqual([12, 6]);
    expect(stream!.bytes.toString()).toBe('first chunk second');
    expect(stream!.ended).toBe(true);
  });

  it("answers infected with clamd's signature name", async () => {
    const scanner = await scannerOf({ kind: 'match', needle: NEEDLE, signature: SIGNATURE });
    expect(await scanner.scanStream(chunks('a photo, then ', 'the MARKER'))).toEqual({ outcome: 'infected', signature: SIGNATURE });
  });

  it('stops sending past maxBytes and answers too_large, never clean, while the sink takes every byte', async () => {
    const scanner = await scannerOf({ kind: 'match', needle: NEEDLE, signature: SIGNATURE }, { maxBytes: 10 });
    const { sink, verdict } = scanner.startScan();
    let taken = 0;
    const body = chunks('0123456', '789ab', 'cdef');
    body.on('data', (chunk: Buffer) => (taken += chunk.length));
    body.pipe(sink);
    expect(await verdict).toEqual({ outcome: 'too_large' });
    await finished(sink);
    expect(taken).toBe(16);
    expect(fake!.streams[0]!.bytes.toString()).toBe('0123456789');
  });

  it('answers infected when the part within maxBytes matches, and clean for a file of exactly maxBytes', async () => {
    const scanner = await scannerOf({ kind: 'match', needle: NEEDLE, signature: SIGNATURE }, { maxBytes: 8 });
    expect(await scanner.scanStream(chunks('MARKER', 'and more after the bound'))).toEqual({ outcome: 'infected', signature: SIGNATURE });
    expect(await scanner.scanStream(chunks('1234', '5678'))).toEqual({ outcome: 'clean' });
  });

  it("answers too_large on clamd's own stream limit", async () => {
    const scanner = await scannerOf({ kind: 'reply', text: 'INSTREAM size limit exceeded. ERROR' });
    expect(await scanner.scanStream(chunks('bytes'))).toEqual({ outcome: 'too_large' });
  });

  it('throws ScannerUnavailableError on an ERROR reply, a connection closed early, silence and no clamd', async () => {
    let scanner = await scannerOf({ kind: 'reply', text: "stream: Can't allocate memory ERROR" });
    await expectUnavailable(scanner.scanStream(chunks('bytes')));
    scanner = await scannerOf({ kind: 'close' });
    await expectUnavailable(scanner.scanStream(chunks('bytes')));
    scanner = await scannerOf({ kind: 'silent' }, { timeoutMs: 150 });
    const started = Date.now();
    expect((await expectUnavailable(scanner.scanStream(chunks('bytes')))).message).toMatch(/in time/);
    expect(Date.now() - started).toBeLessThan(1500);
    const nowhere = createClamdScanner({ host: '127.0.0.1', port: await closedPort(), timeoutMs: 1000, maxBytes: 100 });
    expect((await expectUnavailable(nowhere.startScan().verdict)).message).toMatch(/not reachable/);
    expect(await nowhere.ping()).toBe(false);
  });

  it('times the whole scan: a download slower than the timeout fails it, however lively its chunks', async () => {
    const scanner = await scannerOf({ kind: 'match', needle: NEEDLE, signature: SIGNATURE }, { timeoutMs: 200 });
    const { sink, verdict } = scanner.startScan();
    const timer = setInterval(() => sink.write(Buffer.from('tick')), 20);
    try {
      await expectUnavailable(verdict);
    } finally {
      clearInterval(timer);
      sink.end();
    }
  });

  it("holds the sink's writes while clamd does not read (backpressure), and goes on when it does", async () => {
    const scanner = await scannerOf({ kind: 'match', needle: NEEDLE, signature: SIGNATURE }, { maxBytes: 64 << 20 });
    fake!.pause();
    const { sink, verdict } = scanner.startScan();
    let written = false;
    sink.write(Buffer.alloc(16 << 20, 1), () => (written = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(written).toBe(false);
    fake!.resume();
    sink.end();
    expect(await verdict).toEqual({ outcome: 'clean' });
    expect(written).toBe(true);
    expect(fake!.streams[0]!.bytes.length).toBe(16 << 20);
  });

  it("feeds a download to a file and the scan at once, the download held to clamd's pace (the worker's way)", async () => {
    const scanner = await scannerOf({ kind: 'match', needle: NEEDLE, signature: SIGNATURE }, { maxBytes: 64 << 20 });
    const path = join(await mkdtemp(join(tmpdir(), 'darkroom-scan-')), 'original');
    const original = Buffer.alloc(32 << 20, 7);
    fake!.pause();
    const { sink, verdict } = scanner.startScan();
    const download = chunks(...Array.from({ length: 32 }, (_, i) => original.subarray(i << 20, (i + 1) << 20)));
    const file = createWriteStream(path);
    // pipe() to two streams waits for the slower one: clamd, here.
    download.pipe(file);
    download.pipe(sink);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(file.bytesWritten).toBeLessThan(original.length);
    fake!.resume();
    await Promise.all([finished(file), finished(sink)]);
    expect(await verdict).toEqual({ outcome: 'clean' });
    expect((await readFile(path)).equals(original)).toBe(true);
    await rm(path);
  });

  it('answers PING', async () => {
    const scanner = await scannerOf({ kind: 'silent' });
    expect(await scanner.ping()).toBe(true);
  });

  it('fails the scan, not the process, when the body it is fed breaks', async () => {
    const scanner = await scannerOf({ kind: 'silent' });
    const broken = new Readable({
      read() {
        this.destroy(new Error('the download broke'));
      },
    });
    await expect(scanner.scanStream(broken)).rejects.toThrow('the download broke');
  });
});
