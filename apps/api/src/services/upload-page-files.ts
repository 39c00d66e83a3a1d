import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';

/** The upload page as the API serves it: its HTML, and its assets by file name. */
export interface UploadPageFiles {
  html: Buffer;
  assets: Map<string, { body: Buffer; contentType: string }>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where `npm run build` leaves the page: packages/upload-page/dist (see its build.ts). */
export function uploadPageDist(): string {
  const manifest = createRequire(import.meta.url).resolve('@darkroom/upload-page/package.json');
  return join(dirname(manifest), 'dist');
}

/**
 * Reads the built page into memory once, at boot: a few small files, served from there without a
 * file-system path ever coming from a request. Undefined when the page has not been built.
 */
export async function loadUploadPage(dist = uploadPageDist()): Promise<UploadPageFiles | undefined> {
  let html: Buffer;
  let names: string[];
  try {
    html = await readFile(join(dist, 'index.html'));
    names = await readdir(join(dist, 'assets'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const assets = new Map<string, { body: Buffer; contentType: string }>();
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) assets.set(name, { body: await readFile(join(dist, 'assets', name)), contentType });
  }
  return { html, assets };
}
