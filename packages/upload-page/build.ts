/**
 * Builds the upload page into dist/: index.html and its script and stylesheet under assets/, named
 * by content hash so the API can let browsers cache them for good (the HTML itself is never cached).
 * esbuild bundles the page's TypeScript with @darkroom/client and thumbhash into one ES module, and
 * hls.js (for streams) into a chunk it imports when it needs it.
 */
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const dist = here('./dist/');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const result = await build({
  entryPoints: { upload: here('./src/main.ts'), 'upload-style': here('./src/style.css') },
  outdir: `${dist}assets`,
  entryNames: '[name]-[hash]',
  // hls.js is a chunk of its own, fetched only when the page shows a stream.
  splitting: true,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  // What the page is written for: evergreen browsers of the last few years.
  target: ['chrome109', 'firefox115', 'safari16'],
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const named = (prefix: string, ext: string) => {
  const found = outputs.find((name) => name.startsWith(`${prefix}-`) && name.endsWith(ext));
  if (!found) throw new Error(`esbuild wrote no ${prefix}-*${ext}`);
  return found;
};
// Relative to /upload, so the page works wherever the API is mounted.
const page = (await readFile(here('./src/index.html'), 'utf8'))
  .replace('{{script}}', `upload/assets/${named('upload', '.js')}`)
  .replace('{{style}}', `upload/assets/${named('upload-style', '.css')}`);
await writeFile(`${dist}index.html`, page);
