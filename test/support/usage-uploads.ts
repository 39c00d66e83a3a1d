import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, fetchTransport } from '@darkroom/client';
import { droppingFetch } from './dropping-fetch.js';
import { fixture } from './images.js';
import { clip, ffmpeg } from './video.js';

/** One file a tenant uploads. */
export interface UploadFile {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

/** Photos of a dozen sizes (80 KB to 800 KB), cycled through. */
const PHOTOS = [
  '320x240.jpg',
  'DSCN0010.jpg',
  'jolla.jpg',
  'Channel_digital_image_CMYK_color.jpg',
  ...Array.from({ length: 8 }, (_, i) => `Landscape_${i + 1}.jpg`),
];

export async function photoFiles(count: number): Promise<UploadFile[]> {
  const bytes = await Promise.all(PHOTOS.map(async (name) => new Uint8Array(await readFile(fixture(name)))));
  return Array.from({ length: count }, (_, i) => ({ name: `photo-${i}.jpg`, contentType: 'image/jpeg', bytes: bytes[i % PHOTOS.length]! }));
}

/** A 1280x720 clip of 3 s with a tone: its 720p rendition and top rung are HD, its lower rungs SD. */
async function hdClip(): Promise<string> {
  const out = join(await mkdtemp(join(tmpdir(), 'darkroom-hd-')), 'hd.mp4');
  const video = ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=10:duration=3'];
  const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3'];
  await ffmpeg([...video, ...tone, '-shortest', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p', '-c:a', 'aac', out]);
  return out;
}

/** Three short videos: SD of 2 s and 5 s, and HD of 3 s. */
export async function videoFiles(): Promise<UploadFile[]> {
  const paths = [await clip('basic.mp4'), await clip('ladder.mp4'), await hdClip()];
  return Promise.all(
    paths.map(async (path, i) => ({ name: `video-${i}.mp4`, contentType: 'video/mp4', bytes: new Uint8Array(await readFile(path)) })),
  );
}

/** What a tenant's uploader did: every asset it started, with the bytes it declared, and the answers it lost. */
export interface Uploaded {
  started: Map<string, number>;
  droppedAnswers(): number;
  /** Uploads started over after a failure the client's own retries did not get past. */
  restarts: number;
}

/**
 * Uploads `files` as a platform's backend would, through `@darkroom/client` with its retries, over
 * a network that drops every 3rd answer to `complete` and every 4th to a bucket PUT (the client
 * retries both: the work was done, the answer lost). An upload the client gives up on (its start
 * refused during an outage) is started again, as a new upload, after a second.
 */
export async function uploadAll(baseUrl: string, apiKey: string, files: readonly UploadFile[], concurrency = 6): Promise<Uploaded> {
  const completes = droppingFetch(3, (method, url) => method === 'POST' && url.endsWith('/complete'));
  const puts = droppingFetch(4, (method) => method === 'PUT');
  const client = createClient({
    baseUrl,
    token: apiKey,
    fetch: completes.fetch,
    transport: fetchTransport(puts.fetch),
    retry: { retries: 6, baseDelayMs: 100, maxDelayMs: 2000 },
    resumeStore: false,
  });
  const uploaded: Uploaded = { started: new Map(), droppedAnswers: () => completes.dropped() + puts.dropped(), restarts: 0 };
  const queue = [...files];
  const one = async (file: UploadFile) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const options = { filename: file.name, contentType: file.contentType, wait: false };
        await client.upload(file.bytes, { ...options, onStarted: (asset) => uploaded.started.set(asset.id, file.bytes.byteLength) });
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
        uploaded.restarts++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let file = queue.shift(); file; file = queue.shift()) await one(file);
    }),
  );
  return uploaded;
}
