import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DEFAULT_ACCEPTED_TYPES } from '@darkroom/core/content-types';
import { checkDeclared, headLengthOf } from '@darkroom/intake';
import type { ScanVerdict } from '@darkroom/moderation';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClamdScanner } from '../support/clamd.js';
import { expectedSignature, hostileSetWithSignatures, type HostileFile, type Carrier } from '../support/hostile-files.js';
import { fixture } from '../support/images.js';
import { EICAR } from '../support/payloads.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Issue 59's hostile set through the real clamd of scripts/clamd.sh, with the tests' signatures:
 * every file found with the signature of what it carries, each still a file `complete` takes, and
 * nothing found in the clean photos of the repository or the demo's samples.
 */

const run = promisify(execFile);
const scanner = testClamdScanner();

/**
 * Each distinct picture of fixtures/images once (SOURCES.md: Landscape_1…8 are one photo in eight
 * orientations, the GIF and the WebP one animation, the iPhone HEIC and its reference PNG one photo,
 * heif-10bit.heic heif-alpha.heic's gradient, heif-gps.heic DSCN0010.jpg shrunk), where the demo
 * uploads one of a group the one it uploads.
 */
const DISTINCT_PICTURES = [
  'Landscape_6.jpg',
  'Channel_digital_image_CMYK_color.jpg',
  'Flag_of_the_Netherlands-alpha.png',
  '320x240.jpg',
  'tifftag-photoshop.tiff',
  'jolla.jpg',
  'HMD_Nokia_8.3_5G.jpg',
  'DSCN0010.jpg',
  'iphone_13_pro_max.HEIC',
  'heif-alpha.heic',
  'heif-opaque-alpha.heic',
  'heif-primary-second.heic',
  'animated-loop-3.gif',
];
/** The demo's samples beyond those (scripts/demo.sh): the truncated JPEG, and the clip and podcast scripts/demo-samples.sh makes. */
const DEMO_ONLY_FIXTURES = ['truncated.jpg'];

const scan = (bytes: Buffer) => scanner.scanStream(Readable.from([bytes]));

async function cleanSamples(): Promise<{ name: string; bytes: Buffer }[]> {
  const demo = await mkdtemp(join(tmpdir(), 'darkroom-demo-samples-'));
  await run('bash', [fileURLToRoot('scripts/demo-samples.sh'), demo]);
  const names = [...DISTINCT_PICTURES, ...DEMO_ONLY_FIXTURES];
  const fixtures = await Promise.all(names.map(async (name) => ({ name, bytes: await readFile(fixture(name)) })));
  const made = await Promise.all(['demo-clip.mp4', 'demo-podcast.mp3'].map(async (name) => ({ name, bytes: await readFile(join(demo, name)) })));
  return [...fixtures, ...made];
}

const fileURLToRoot = (path: string) => new URL(`../../${path}`, import.meta.url).pathname;

let files: HostileFile[];
let carriers: Carrier[];

beforeAll(async () => {
  ({ files, carriers } = await hostileSetWithSignatures());
}, 180_000);

describe('the hostile set (issue 59) against the real clamd', () => {
  it('holds at least 40 files, each of an accepted type by its bytes, as `complete` checks them', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(new Set(files.map((file) => file.name)).size).toBe(files.length);
    for (const file of files) {
      expect(DEFAULT_ACCEPTED_TYPES, file.name).toContain(file.contentType);
      const start = { size: file.bytes.length, bytes: file.bytes.subarray(0, headLengthOf(file.contentType)) };
      expect(() => checkDeclared({ size: file.bytes.length, contentType: file.contentType }, start), file.name).not.toThrow();
      // A deflated archive's EICAR is in no byte of the file: only clamd opening the ZIP finds it.
      if (file.name.includes('deflated')) expect(file.bytes.includes(EICAR), file.name).toBe(false);
    }
  });

  it('finds every file with the signature of what it carries', async () => {
    const verdicts = await Promise.all(files.map(async (file) => ({ file, verdict: await scan(file.bytes) })));
    const wrong = verdicts.flatMap(({ file, verdict }) => {
      const expected: ScanVerdict = { outcome: 'infected', signature: expectedSignature(file) };
      return JSON.stringify(verdict) === JSON.stringify(expected) ? [] : [`${file.name}: ${JSON.stringify(verdict)}`];
    });
    expect(wrong).toEqual([]);
    const formats = new Set(files.map((file) => file.contentType)).size;
    console.log(`hostile set: ${files.length} files in ${formats} types, ${verdicts.length - wrong.length} findings`);
  });

  it('finds nothing in the carriers, the distinct clean photos of the repository or the demo samples', async () => {
    const clean = [...carriers, ...(await cleanSamples())];
    const verdicts = await Promise.all(clean.map(async ({ name, bytes }) => ({ name, verdict: await scan(bytes) })));
    const findings = verdicts.filter(({ verdict }) => verdict.outcome !== 'clean').map(({ name, verdict }) => `${name}: ${JSON.stringify(verdict)}`);
    expect(findings).toEqual([]);
    console.log(`clean set: ${clean.length} files (${carriers.length} carriers, the rest photos and demo samples), ${findings.length} findings`);
  });
});
