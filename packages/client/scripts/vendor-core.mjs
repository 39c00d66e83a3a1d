// The client is published; @darkroom/core is not. The few core modules the client imports (the
// content-type signatures, the private links' rule, the delivery grammar, the limits, the Node floor,
// the S3 endpoint's region:
// each one for API and client) are copied into dist/vendor/ and the emitted imports pointed at the
// copies, so the published package needs no private one. A vendored module imports nothing but
// another vendored one, or Node's builtins.
// Any other @darkroom/ import left in dist fails the build.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Specifier → file name under dist/vendor; test/repo/architecture.test.ts reads it too. */
const VENDORED = JSON.parse(await readFile(join(root, 'scripts', 'vendored.json'), 'utf8'));
const dist = join(root, 'dist');
const require = createRequire(join(root, 'package.json'));

await mkdir(join(dist, 'vendor'), { recursive: true });
const vendoredFiles = new Set(Object.values(VENDORED));
for (const [specifier, file] of Object.entries(VENDORED)) {
  const source = await readFile(require.resolve(specifier), 'utf8');
  for (const [, from] of source.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gm)) {
    // Node's builtins are there wherever the client runs on Node. Copies lie side by side in
    // dist/vendor/, as core's files do in its dist/.
    if (from.startsWith('node:')) continue;
    if (!from.startsWith('./') || !vendoredFiles.has(from.slice(2))) throw new Error(`${specifier} imports ${from}; vendor it too`);
  }
  await writeFile(join(dist, 'vendor', file), source);
}

async function* jsFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'vendor') yield* jsFiles(path);
    else if (entry.isFile() && /\.(js|d\.ts)$/.test(entry.name)) yield path;
  }
}

const left = [];
for await (const path of jsFiles(dist)) {
  let text = await readFile(path, 'utf8');
  for (const [specifier, file] of Object.entries(VENDORED)) {
    let target = relative(dirname(path), join(dist, 'vendor', file));
    if (!target.startsWith('.')) target = `./${target}`;
    text = text.replaceAll(`'${specifier}'`, `'${target}'`).replaceAll(`"${specifier}"`, `"${target}"`);
  }
  if (/['"]@darkroom\//.test(text)) left.push(relative(root, path));
  await writeFile(path, text);
}
if (left.length > 0) throw new Error(`@darkroom/ imports left in the published files: ${left.join(', ')}`);
