import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules of docs/architecture.md (The workspaces), read from each workspace's
 * package.json and the import statements of its code. A unit test: it reads files, nothing more.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What every server-side process reads: core, Postgres, the buckets, Redis and the media code. */
const SERVER_BASE = ['@darkroom/core', '@darkroom/db', '@darkroom/storage', '@darkroom/queue', '@darkroom/media'];

/** Which workspaces each workspace's code may import. Apps are in no list: nothing imports an app. */
const MAY_IMPORT: Record<string, string[]> = {
  '@darkroom/core': [],
  '@darkroom/db': ['@darkroom/core'],
  '@darkroom/storage': ['@darkroom/core'],
  '@darkroom/queue': ['@darkroom/core'],
  '@darkroom/media': ['@darkroom/core'],
  // Scanners of what the public must not be served (clamd); the worker runs them (docs/architecture.md#the-workspaces).
  '@darkroom/moderation': ['@darkroom/core'],
  // The meters every process counts into and the storage observer that writes the ledger (docs/architecture.md#usage-meters).
  '@darkroom/usage': ['@darkroom/core', '@darkroom/db', '@darkroom/storage'],
  // A checked original to a confirmed asset, for every process that confirms one (docs/architecture.md#the-intake).
  '@darkroom/intake': SERVER_BASE,
  // Core's browser-safe subpaths (`@darkroom/core/content-types`, `@darkroom/core/delivery-grammar`,
  // `@darkroom/core/private-links`, `@darkroom/core/limits`, `@darkroom/core/node-floor`): one rule each
  // for the server and the client.
  '@darkroom/client': ['@darkroom/core'],
  '@darkroom/upload-page': ['@darkroom/client'],
  '@darkroom/api': [...SERVER_BASE, '@darkroom/intake', '@darkroom/upload-page', '@darkroom/usage'],
  '@darkroom/worker': [...SERVER_BASE, '@darkroom/intake', '@darkroom/moderation', '@darkroom/usage'],
  '@darkroom/delivery': [...SERVER_BASE, '@darkroom/usage'],
};

/** Further workspaces a workspace's tests may import: the client's check that it builds what the API's own code builds. */
const TESTS_MAY_ALSO_IMPORT: Record<string, string[]> = {};

/** Outside systems and the workspaces whose shipped code may talk to them (a module name, or a scope ending in `/`). */
const OWNED_BY: Record<string, string[]> = {
  sharp: ['@darkroom/media'],
  'libheif-js': ['@darkroom/media'],
  // ffmpeg and ffprobe (media), pgBackRest (db's backup commands).
  'node:child_process': ['@darkroom/media', '@darkroom/db'],
  // HEIC decodes (media), in a thread per image.
  'node:worker_threads': ['@darkroom/media'],
  postgres: ['@darkroom/db'],
  'drizzle-orm': ['@darkroom/db'],
  '@aws-sdk/': ['@darkroom/storage'],
  ioredis: ['@darkroom/queue'],
  // The worker runs BullMQ's Worker; every queue and connection is made in packages/queue.
  bullmq: ['@darkroom/queue', '@darkroom/worker'],
  fastify: ['@darkroom/api', '@darkroom/delivery'],
};

/** Workspaces whose code runs in browsers: no Node built-in in their shipped code. */
const BROWSER = ['@darkroom/client', '@darkroom/upload-page'];

/**
 * A browser workspace's code for Node alone: `@darkroom/client/node` (a resume store in a file) and
 * the command its bin runs (`npm run import`), which no entry point a browser loads imports.
 */
const NODE_ENTRIES = [join(ROOT, 'packages', 'client', 'src', 'resume-file.ts')];
const NODE_FOLDERS = [join(ROOT, 'packages', 'client', 'src', 'cli') + sep];
const nodeOnly = (file: string) => NODE_ENTRIES.includes(file) || NODE_FOLDERS.some((folder) => file.startsWith(folder));

/** Workspaces shipped as a bundle made at build time: their code imports what they declare as devDependencies. */
const BUNDLED = ['@darkroom/upload-page'];
/** Modules a published workspace copies into its own files at build time (a devDependency is enough). */
const VENDORED: Record<string, string[]> = {
  '@darkroom/client': Object.keys(JSON.parse(readFileSync(join(ROOT, 'packages', 'client', 'scripts', 'vendored.json'), 'utf8'))),
};

/** Files outside a workspace that its tests and tools may import by a relative path. */
const SHARED_TEST_SUPPORT = join(ROOT, 'test', 'support') + sep;

/**
 * The one file of a package that reads an app: the client's types are generated from the API's
 * OpenAPI document at build time, so the API stays the contract's one source.
 */
const READS_THE_API = 'packages/client/scripts/openapi-types.ts';

interface Workspace {
  name: string;
  dir: string;
  manifest: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; devDependencies?: Record<string, string> };
}

interface Import {
  file: string;
  specifier: string;
  /** Code that ships (src/, apart from tests, fixtures and type checks), as against tests and tools. */
  shipped: boolean;
}

function workspaces(): Workspace[] {
  return ['packages', 'apps'].flatMap((parent) =>
    readdirSync(join(ROOT, parent)).map((folder) => {
      const dir = join(ROOT, parent, folder);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Workspace['manifest'] & { name: string };
      return { name: manifest.name, dir, manifest };
    }),
  );
}

function codeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // Dependencies, build output, caches and generated code (the client's OpenAPI types) are not written here.
    if (['node_modules', 'dist', 'generated'].includes(name) || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return codeFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A test's helper beside the code (fixtures, clips, audio files): `test-*.ts`, left out of the build. */
const isTestHelper = (file: string) => /(^|[\\/])test-[^\\/]*\.ts$/.test(file);
const isShipped = (ws: Workspace, file: string) =>
  relative(ws.dir, file).startsWith(`src${sep}`) && !/(\.test|\.typecheck)\.ts$/.test(file) && !isTestHelper(file);

/**
 * Module specifiers of a file's static imports and re-exports (a statement at the start of a line,
 * so examples in comments are not read) and of its dynamic `import('…')` calls.
 */
function importsOf(text: string): string[] {
  const statements = /^(?:import|export)\s[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return [...text.matchAll(statements)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

function importsOfWorkspace(ws: Workspace): Import[] {
  return codeFiles(ws.dir).flatMap((file) =>
    importsOf(readFileSync(file, 'utf8')).map((specifier) => ({ file, specifier, shipped: isShipped(ws, file) })),
  );
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`); null for Node's built-ins. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const isRelative = (specifier: string) => specifier.startsWith('.');
const at = (file: string) => relative(ROOT, file);
const ALL = workspaces();
const NAMES = new Set(ALL.map((ws) => ws.name));
const IMPORTS = new Map(ALL.map((ws) => [ws.name, importsOfWorkspace(ws)]));

/** Every import in the workspaces that `wrong` says crosses a line, as `file: specifier (why)`. */
function crossings(wrong: (ws: Workspace, imp: Import) => string | null): string[] {
  return ALL.flatMap((ws) =>
    IMPORTS.get(ws.name)!.flatMap((imp) => {
      const why = wrong(ws, imp);
      return why ? [`${at(imp.file)}: ${imp.specifier} (${why})`] : [];
    }),
  );
}

describe('the workspaces and what they may import (docs/architecture.md)', () => {
  it('reads import statements as the code writes them, and not examples in comments', () => {
    const code = [
      "import { a, b } from '@darkroom/core';",
      'import type {\n  Job,\n} from "bullmq";',
      "import './side-effect.js';",
      "export { c } from '../c.js';",
      "export const text = 'from x';",
      " * import { upload } from '@darkroom/client';",
      "const sharp = await import('sharp');",
    ].join('\n');
    expect(importsOf(code)).toEqual(['@darkroom/core', 'bullmq', './side-effect.js', '../c.js', 'sharp']);
  });

  it('knows every workspace, and finds the imports of each', () => {
    expect([...NAMES].sort()).toEqual(Object.keys(MAY_IMPORT).sort());
    for (const ws of ALL) expect(IMPORTS.get(ws.name)!.length, ws.name).toBeGreaterThan(0);
  });

  it('declares in package.json only the workspaces it may import', () => {
    const declared = ALL.flatMap((ws) =>
      Object.keys({ ...ws.manifest.dependencies, ...ws.manifest.devDependencies, ...ws.manifest.peerDependencies })
        .filter((dep) => NAMES.has(dep) && !MAY_IMPORT[ws.name]!.includes(dep))
        .map((dep) => `${ws.name} depends on ${dep}`),
    );
    expect(declared).toEqual([]);
  });

  it('imports another workspace only where the rules allow, by its name and the subpaths it exports', () => {
    const wrong = crossings((ws, imp) => {
      const pkg = isRelative(imp.specifier) ? null : packageOf(imp.specifier);
      if (!pkg || !NAMES.has(pkg) || pkg === ws.name) return null;
      const allowed = [...MAY_IMPORT[ws.name]!, ...(imp.shipped ? [] : (TESTS_MAY_ALSO_IMPORT[ws.name] ?? []))];
      if (!allowed.includes(pkg)) return `${ws.name} may not import ${pkg}`;
      const exported = ALL.find((other) => other.name === pkg)!.manifest as { exports?: Record<string, unknown> };
      const subpath = `.${imp.specifier.slice(pkg.length)}`;
      return subpath in (exported.exports ?? { '.': true }) ? null : `${pkg} exports no ${subpath}`;
    });
    expect(wrong).toEqual([]);
  });

  it('keeps relative imports inside their workspace (tests may use test/support)', () => {
    const wrong = crossings((ws, imp) => {
      if (!isRelative(imp.specifier)) return null;
      const target = resolve(imp.file, '..', imp.specifier);
      if (target.startsWith(ws.dir + sep)) return null;
      if (!imp.shipped && target.startsWith(SHARED_TEST_SUPPORT)) return null;
      if (at(imp.file) === READS_THE_API && target.startsWith(join(ROOT, 'apps', 'api', 'src') + sep)) return null;
      return `reaches outside ${at(ws.dir)}`;
    });
    expect(wrong).toEqual([]);
  });

  it('talks to each outside system from the workspaces that own it', () => {
    const wrong = crossings((ws, imp) => {
      if (!imp.shipped) return null;
      const owner = Object.entries(OWNED_BY).find(([module]) =>
        module.endsWith('/') ? imp.specifier.startsWith(module) : imp.specifier === module || imp.specifier.startsWith(`${module}/`),
      );
      return owner && !owner[1].includes(ws.name) ? `only ${owner[1].join(', ')}` : null;
    });
    expect(wrong).toEqual([]);
  });

  it("makes every queue in packages/queue: the worker's code runs BullMQ's Worker and builds no queue itself", () => {
    const worker = ALL.find((ws) => ws.name === '@darkroom/worker')!;
    const builds = /\bnew (Queue|QueueEvents|FlowProducer)\b/;
    const wrong = codeFiles(worker.dir).filter((file) => isShipped(worker, file) && builds.test(readFileSync(file, 'utf8')));
    expect(wrong.map(at)).toEqual([]);
  });

  it('ships browser code without Node built-ins', () => {
    const wrong = crossings((ws, imp) =>
      BROWSER.includes(ws.name) && imp.shipped && !nodeOnly(imp.file) && !isRelative(imp.specifier) && packageOf(imp.specifier) === null
        ? 'runs in browsers'
        : null,
    );
    expect(wrong).toEqual([]);
  });

  it('ships no test helper: shipped code imports no `test-*.ts`, so each build can leave them out', () => {
    const wrong = crossings((_ws, imp) =>
      imp.shipped && isRelative(imp.specifier) && isTestHelper(resolve(imp.file, '..', imp.specifier).replace(/\.js$/, '.ts'))
        ? 'a test helper'
        : null,
    );
    expect(wrong).toEqual([]);
  });

  it("keeps Node-only folders out of the browsers' code: nothing outside them imports them", () => {
    const wrong = crossings((_ws, imp) => {
      if (!isRelative(imp.specifier) || nodeOnly(imp.file)) return null;
      const target = resolve(imp.file, '..', imp.specifier).replace(/\.js$/, '.ts');
      return NODE_FOLDERS.some((folder) => target.startsWith(folder)) ? 'a Node-only module' : null;
    });
    expect(wrong).toEqual([]);
  });

  it('declares in package.json every package its shipped code imports', () => {
    const wrong = crossings((ws, imp) => {
      const pkg = !imp.shipped || isRelative(imp.specifier) ? null : packageOf(imp.specifier);
      if (!pkg || pkg === ws.name) return null;
      const { dependencies, peerDependencies, devDependencies } = ws.manifest;
      const copiedIn = BUNDLED.includes(ws.name) || VENDORED[ws.name]?.includes(imp.specifier);
      const declared = { ...dependencies, ...peerDependencies, ...(copiedIn ? devDependencies : {}) };
      return pkg in declared ? null : `not in ${ws.name}'s dependencies`;
    });
    expect(wrong).toEqual([]);
  });
});

/**
 * Packages read by topic: each module others import is a subpath of its own (`@darkroom/db/queries/assets`
 * is src/queries/assets.ts), and no index re-exports them all, so an import names where its fact lives.
 */
const BY_TOPIC = ['@darkroom/core', '@darkroom/db'];

describe('package surfaces by topic (docs/architecture.md, The workspaces)', () => {
  it.each(BY_TOPIC)('%s exports topic subpaths, each the module of src/ of that name, and no root', (name) => {
    const ws = ALL.find((w) => w.name === name)!;
    const exported = (ws.manifest as { exports: Record<string, { types: string; default: string }> }).exports;
    expect(Object.keys(exported)).not.toContain('.');
    const wrong = Object.entries(exported).flatMap(([subpath, target]) => {
      const module = target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
      const named = module === subpath.slice(2) || module === `${subpath.slice(2)}/index`;
      const typed = target.types === `./dist/${module}.d.ts`;
      const found = statSync(join(ws.dir, 'src', `${module}.ts`), { throwIfNoEntry: false });
      return named && typed && found ? [] : [`${name}${subpath.slice(1)} → ${target.default}`];
    });
    expect(wrong).toEqual([]);
  });
});

describe('folders a newcomer reads in one hop (docs/architecture.md, Code rules)', () => {
  const namesIn = (...folder: string[]) => readdirSync(join(ROOT, ...folder));

  it("keeps the API's admin routes and services in routes/admin/ and services/admin/, the worker's sweeps in sweeps/", () => {
    expect(namesIn('apps', 'api', 'src', 'routes').filter((name) => name.startsWith('admin-'))).toEqual([]);
    expect(namesIn('apps', 'api', 'src', 'services').filter((name) => name.startsWith('admin-'))).toEqual([]);
    expect(namesIn('apps', 'worker', 'src').filter((name) => /-sweep\.ts$|^orphans|^reconciler/.test(name))).toEqual([]);
  });

  it("keeps the API's routes on top: no plugin or service imports one (a fact both read lives outside routes/)", () => {
    const api = join(ROOT, 'apps', 'api', 'src');
    const below = ['plugins', 'services'].map((folder) => join(api, folder) + sep);
    const wrong = crossings((_ws, imp) => {
      if (!imp.shipped || !isRelative(imp.specifier) || !below.some((folder) => imp.file.startsWith(folder))) return null;
      return resolve(imp.file, '..', imp.specifier).startsWith(join(api, 'routes') + sep) ? 'imports a route' : null;
    });
    expect(wrong).toEqual([]);
  });

  it("keeps the worker's renders below its jobs: a handler in jobs/ imports render/, never the reverse", () => {
    const folder = (name: string) => join(ROOT, 'apps', 'worker', 'src', name) + sep;
    const wrong = crossings((_ws, imp) => {
      if (!isRelative(imp.specifier) || !imp.file.startsWith(folder('render'))) return null;
      return resolve(imp.file, '..', imp.specifier).startsWith(folder('jobs')) ? 'render/ imports jobs/' : null;
    });
    expect(wrong).toEqual([]);
  });
});

/**
 * The shipped modules each imports by a relative path (`./x.js` is x.ts; a folder, its index.ts),
 * `import type` and re-exports included: a type-only circle still ties two modules into one that
 * neither reads without the other, and a value import added later makes it a circle at load time.
 */
function moduleGraph(): Map<string, string[]> {
  const shipped = new Set(ALL.flatMap((ws) => codeFiles(ws.dir).filter((file) => isShipped(ws, file))));
  const moduleOf = (imp: Import) => {
    const target = resolve(imp.file, '..', imp.specifier);
    return [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')].find((file) => shipped.has(file));
  };
  const graph = new Map<string, string[]>();
  for (const imp of [...IMPORTS.values()].flat()) {
    const target = imp.shipped && isRelative(imp.specifier) ? moduleOf(imp) : undefined;
    if (target) graph.set(imp.file, [...(graph.get(imp.file) ?? []), target]);
  }
  return graph;
}

/**
 * The circles a depth-first walk meets, each as its files from the first back to it: at least one
 * through every knot of modules that reach each other (another circle of a knot shows once that one is undone).
 */
function circlesIn(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('no import circles among the shipped modules', () => {
  it('finds a circle in every knot, however long, and names its files in order', () => {
    const graph = new Map([
      ['a', ['b', 'd']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['c']],
      ['e', ['e']],
    ]);
    expect(circlesIn(graph)).toEqual([
      ['a', 'b', 'c', 'a'],
      ['e', 'e'],
    ]);
    expect(
      circlesIn(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
        ]),
      ),
    ).toEqual([]);
  });

  it('has none: a fact two modules share lives in one of them, or in a small module both import', () => {
    const graph = moduleGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(circlesIn(graph).map((files) => files.map(at).join(' → '))).toEqual([]);
  });
});
