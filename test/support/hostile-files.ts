import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { audioFile } from '../../packages/media/src/audio/test-audio.js';
import { clip } from '../../packages/media/src/video/test-clips.js';
import { addHashSignatures, TEST_SIGNATURES, YARA_MARKER } from './clamd.js';
import { fixture } from './images.js';
import {
  EICAR,
  exifUserComment,
  freeBox,
  jpegXmpSegment,
  nestedZip,
  pngXmpChunk,
  withId3Comment,
  withJpegSegment,
  withPngChunk,
  withWavChunk,
  zipArchive,
} from './payloads.js';

/**
 * The hostile set of issue 59: files of accepted upload types that carry something a scanner must
 * find, each with what it carries. Built at test time from the repository's fixtures and the media
 * tests' clips, the same bytes on every run of one machine (sharp and ffmpeg fixed).
 */

/** What a file carries: the EICAR string, the tests' YARA marker, or itself (a whole-file hash in test.hdb). */
export type Payload = 'eicar' | 'yara' | 'hash';

export interface HostileFile {
  name: string;
  contentType: string;
  bytes: Buffer;
  payload: Payload;
}

/** A clean file of an accepted type, the bytes the hostile ones are built on. */
export interface Carrier {
  name: string;
  contentType: string;
  bytes: Buffer;
}

const run = promisify(execFile);
const read = async (path: string | Promise<string>) => readFile(await path);

/** Every carrier the set uses, by a short name. */
async function carriers() {
  const small = await read(fixture('320x240.jpg'));
  const work = await mkdtemp(join(tmpdir(), 'darkroom-hostile-'));
  const mov = join(work, 'basic.mov');
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-i', await clip('basic.mp4'), '-c', 'copy', '-f', 'mov', mov]);
  const entries: [string, string, Buffer][] = [
    ['jolla.jpg', 'image/jpeg', await read(fixture('jolla.jpg'))],
    ['DSCN0010.jpg', 'image/jpeg', await read(fixture('DSCN0010.jpg'))],
    ['320x240.jpg', 'image/jpeg', small],
    ['cmyk.jpg', 'image/jpeg', await read(fixture('Channel_digital_image_CMYK_color.jpg'))],
    ['landscape.jpg', 'image/jpeg', await read(fixture('Landscape_1.jpg'))],
    ['flag.png', 'image/png', await read(fixture('Flag_of_the_Netherlands-alpha.png'))],
    ['small.png', 'image/png', await sharp(small).png().toBuffer()],
    ['loop.gif', 'image/gif', await read(fixture('animated-loop-3.gif'))],
    ['loop.webp', 'image/webp', await read(fixture('animated-loop-3.webp'))],
    ['photoshop.tiff', 'image/tiff', await read(fixture('tifftag-photoshop.tiff'))],
    ['alpha.heic', 'image/heic', await read(fixture('heif-alpha.heic'))],
    ['iphone.heic', 'image/heic', await read(fixture('iphone_13_pro_max.HEIC'))],
    ['small.avif', 'image/avif', await sharp(small).avif({ quality: 50 }).toBuffer()],
    ['basic.mp4', 'video/mp4', await read(clip('basic.mp4'))],
    ['basic.mov', 'video/quicktime', await readFile(mov)],
    ['vp9.webm', 'video/webm', await read(clip('vp9.webm'))],
    ['tone.mp3', 'audio/mpeg', await read(audioFile('tone.mp3'))],
    ['cover.mp3', 'audio/mpeg', await read(audioFile('cover.mp3'))],
    ['tone.m4a', 'audio/mp4', await read(audioFile('tone.m4a'))],
    ['tone.wav', 'audio/wav', await read(audioFile('tone.wav'))],
    ['tone.flac', 'audio/flac', await read(audioFile('tone.flac'))],
    ['tone.ogg', 'audio/ogg', await read(audioFile('tone-opus.ogg'))],
    ['tone.aac', 'audio/aac', await read(audioFile('tone.aac'))],
  ];
  return new Map(entries.map(([name, contentType, bytes]) => [name, { name, contentType, bytes }]));
}

export type Carriers = Awaited<ReturnType<typeof carriers>>;

/** EICAR after the last structure of each kind of file: a JPEG's EOI, a PNG's IEND, a GIF's trailer, an MP4's last box, an MP3's last frame… */
const TRAILING = [
  ...['jolla.jpg', 'DSCN0010.jpg', '320x240.jpg', 'cmyk.jpg', 'flag.png', 'small.png', 'loop.gif', 'loop.webp', 'photoshop.tiff'],
  ...['alpha.heic', 'iphone.heic', 'small.avif', 'basic.mp4', 'basic.mov', 'vp9.webm'],
  ...['tone.mp3', 'tone.m4a', 'tone.wav', 'tone.flac', 'tone.ogg', 'tone.aac'],
];

/** A ZIP holding EICAR after a file: stored or deflated (where only opening the archive finds it), plain or three deep. */
const ZIPPED: { carrier: string; depth: number; deflate: boolean }[] = [
  { carrier: 'jolla.jpg', depth: 1, deflate: false },
  { carrier: '320x240.jpg', depth: 1, deflate: true },
  { carrier: 'flag.png', depth: 1, deflate: true },
  { carrier: 'basic.mp4', depth: 1, deflate: true },
  { carrier: 'jolla.jpg', depth: 3, deflate: false },
  { carrier: 'DSCN0010.jpg', depth: 3, deflate: true },
];

function hostileFiles(all: Carriers): HostileFile[] {
  const of = (name: string) => all.get(name)!;
  const made = (carrier: Carrier, how: string, bytes: Buffer, payload: Payload): HostileFile => ({
    name: `${how}/${carrier.name}`,
    contentType: carrier.contentType,
    bytes,
    payload,
  });
  const marker = Buffer.from(YARA_MARKER);
  return [
    ...TRAILING.map((name) => made(of(name), 'eicar-trailing', Buffer.concat([of(name).bytes, EICAR]), 'eicar')),
    ...ZIPPED.map(({ carrier, depth, deflate }) => {
      const zip = depth === 1 ? zipArchive([{ name: 'eicar.com', data: EICAR, deflate }]) : nestedZip(EICAR, depth, deflate);
      return made(of(carrier), `zip-depth-${depth}${deflate ? '-deflated' : '-stored'}`, Buffer.concat([of(carrier).bytes, zip]), 'eicar');
    }),
    ...['320x240.jpg', 'landscape.jpg'].map((name) =>
      made(of(name), 'exif-usercomment', withJpegSegment(of(name).bytes, 0xe1, exifUserComment(EICAR)), 'eicar'),
    ),
    ...['jolla.jpg', 'DSCN0010.jpg'].map((name) => made(of(name), 'xmp', withJpegSegment(of(name).bytes, 0xe1, jpegXmpSegment(EICAR)), 'eicar')),
    made(of('flag.png'), 'xmp', withPngChunk(of('flag.png').bytes, 'iTXt', pngXmpChunk(EICAR)), 'eicar'),
    ...['tone.mp3', 'cover.mp3'].map((name) => made(of(name), 'id3-comm', withId3Comment(of(name).bytes, EICAR), 'eicar')),
    made(of('320x240.jpg'), 'yara-jpeg-comment', withJpegSegment(of('320x240.jpg').bytes, 0xfe, marker), 'yara'),
    made(of('small.png'), 'yara-png-text', withPngChunk(of('small.png').bytes, 'tEXt', Buffer.concat([Buffer.from('Comment\0'), marker])), 'yara'),
    made(of('basic.mp4'), 'yara-free-box', Buffer.concat([of('basic.mp4').bytes, freeBox(marker)]), 'yara'),
    made(of('tone.wav'), 'yara-wav-chunk', withWavChunk(of('tone.wav').bytes, marker), 'yara'),
    made(of('alpha.heic'), 'yara-trailing', Buffer.concat([of('alpha.heic').bytes, marker]), 'yara'),
  ];
}

/** Photos a platform took down, re-encoded here: only their whole-file hashes (test.hdb) name them. */
async function hashedFiles(all: Carriers): Promise<HostileFile[]> {
  const made = (name: string, contentType: string, bytes: Buffer): HostileFile => ({ name: `hash/${name}`, contentType, bytes, payload: 'hash' });
  const jolla = all.get('jolla.jpg')!.bytes;
  const dscn = all.get('DSCN0010.jpg')!.bytes;
  return [
    made('jolla-400.jpg', 'image/jpeg', await sharp(jolla).resize(400).jpeg({ quality: 70 }).toBuffer()),
    made('dscn-300.webp', 'image/webp', await sharp(dscn).resize(300).webp({ quality: 60 }).toBuffer()),
    made('landscape-rotated.png', 'image/png', await sharp(all.get('landscape.jpg')!.bytes).rotate(90).png().toBuffer()),
    made('flag-200.tiff', 'image/tiff', await sharp(all.get('flag.png')!.bytes).resize(200).tiff().toBuffer()),
    made('jolla-200.avif', 'image/avif', await sharp(jolla).resize(200).avif({ quality: 40 }).toBuffer()),
    made('tone-copy.wav', 'audio/wav', withWavChunk(all.get('tone.wav')!.bytes, Buffer.from('taken down'))),
  ];
}

/** The hostile set and the carriers it was built on (each of them clean). */
export async function buildHostileSet(): Promise<{ files: HostileFile[]; carriers: Carrier[] }> {
  const all = await carriers();
  return { files: [...hostileFiles(all), ...(await hashedFiles(all))], carriers: [...all.values()] };
}

/** The name of a hashed file's signature in test.hdb. */
const hashName = (file: HostileFile) => `Darkroom.Test.Hash.${file.name.replace(/[^A-Za-z0-9]+/g, '_')}`;

/** The signature clamd reports for what a file carries. */
export function expectedSignature(file: HostileFile): string {
  if (file.payload === 'eicar') return TEST_SIGNATURES.eicar;
  if (file.payload === 'yara') return TEST_SIGNATURES.yara;
  return TEST_SIGNATURES.hash(hashName(file));
}

/** The hostile set, its hashed files' signatures added to the tests' clamd (and reloaded). */
export async function hostileSetWithSignatures(): Promise<{ files: HostileFile[]; carriers: Carrier[] }> {
  const set = await buildHostileSet();
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-hashed-'));
  const hashed = set.files.filter((file) => file.payload === 'hash');
  const written = await Promise.all(
    hashed.map(async (file, i) => {
      const path = join(dir, String(i));
      await writeFile(path, file.bytes);
      return { name: hashName(file), path };
    }),
  );
  await addHashSignatures(written);
  return set;
}
