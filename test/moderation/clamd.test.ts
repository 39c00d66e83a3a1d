import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createClamdScanner } from '@darkroom/moderation';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../apps/worker/src/config.js';
import { CLAMD_SOCKET, TEST_CLAMD_HOST, TEST_SIGNATURES, testClamdScanner } from '../support/clamd.js';
import { fixture } from '../support/images.js';
import { EICAR } from '../support/payloads.js';
import { testEnv } from '../test-env.js';

/** The clamd client against the real clamd of scripts/clamd.sh: both its sockets, its size bound, a large stream. */

/** `bytes` as a download arrives: chunks of 64 KiB. */
function asDownload(bytes: Buffer): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += 65_536) yield bytes.subarray(at, at + 65_536);
    })(),
  );
}

describe('the clamd client against the real clamd', () => {
  it('answers PING and scans over TCP and over the unix socket alike', async () => {
    const photo = await readFile(fixture('jolla.jpg'));
    const overSocket = createClamdScanner({ socket: CLAMD_SOCKET, timeoutMs: 10_000, maxBytes: 100 << 20 });
    for (const scanner of [testClamdScanner(), overSocket]) {
      expect(await scanner.ping()).toBe(true);
      expect(await scanner.scanStream(asDownload(photo))).toEqual({ outcome: 'clean' });
      const infected = Buffer.concat([photo, EICAR]);
      expect(await scanner.scanStream(asDownload(infected))).toEqual({ outcome: 'infected', signature: TEST_SIGNATURES.eicar });
    }
  });

  it('answers too_large past maxBytes, infected where the bytes within it match, and clean up to it', async () => {
    const photo = await readFile(fixture('jolla.jpg'));
    const scanner = testClamdScanner({ maxBytes: photo.length });
    expect(await scanner.scanStream(asDownload(Buffer.concat([photo, EICAR])))).toEqual({ outcome: 'too_large' });
    expect(await scanner.scanStream(asDownload(photo))).toEqual({ outcome: 'clean' });
    const early = Buffer.concat([photo.subarray(0, 1000), EICAR, photo.subarray(1000)]);
    expect(await scanner.scanStream(asDownload(early))).toEqual({ outcome: 'infected', signature: TEST_SIGNATURES.eicar });
  });

  it('scans a stream of 64 MB chunk by chunk and finds EICAR at its very end', async () => {
    const large = Buffer.alloc(64 << 20, 0x5a);
    const infected = Buffer.concat([large, EICAR]);
    expect(await testClamdScanner().scanStream(asDownload(infected))).toEqual({ outcome: 'infected', signature: TEST_SIGNATURES.eicar });
  });

  it("scans a whole file of the worker's default CLAMD_MAX_BYTES: the default stays under scripts/clamd.sh's StreamMaxLength", async () => {
    const { maxBytes } = loadWorkerConfig({ ...testEnv, CLAMD_HOST: TEST_CLAMD_HOST }).clamd!;
    const scanner = testClamdScanner({ maxBytes });
    const verdict = await scanner.scanStream(asDownload(Buffer.concat([Buffer.alloc(maxBytes - EICAR.length), EICAR])));
    expect(verdict).toEqual({ outcome: 'infected', signature: TEST_SIGNATURES.eicar });
  });

  it("is refused by clamd's own StreamMaxLength (120M) as too_large when its bound is set past it", async () => {
    const scanner = testClamdScanner({ maxBytes: 200 << 20 });
    const verdict = await scanner.scanStream(asDownload(Buffer.alloc(121 << 20)));
    expect(verdict).toEqual({ outcome: 'too_large' });
  });
});
