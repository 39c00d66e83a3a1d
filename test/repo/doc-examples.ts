import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, it } from 'vitest';

/**
 * docs/delivery.md's code examples, run as a reader would copy them: each in a file of its own, by
 * its language's toolchain. One runner table for every page of examples that tests read.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DELIVERY_DOC = readFileSync(join(ROOT, 'docs', 'delivery.md'), 'utf8');

export interface DocExample {
  /** The heading just above the code block. */
  title: string;
  /** The code block's language, a key of RUNNERS. */
  language: string;
  code: string;
}

/**
 * The code blocks that name a language under `heading` (a whole line, `## Signing`), each with the
 * heading above it; the section ends at the next heading of its level or above.
 */
export function examplesUnder(doc: string, heading: string): DocExample[] {
  const lines = doc.split('\n');
  const level = heading.indexOf(' ');
  const examples: DocExample[] = [];
  let title = '';
  let block: DocExample | null = null;
  for (const line of lines.slice(lines.indexOf(heading) + 1)) {
    if (block) {
      if (line !== '```') block.code += `${line}\n`;
      else {
        examples.push(block);
        block = null;
      }
      continue;
    }
    const fence = /^```(\w+)$/.exec(line);
    if (fence) block = { title, language: fence[1]!, code: '' };
    const subheading = /^(#+) (.*)$/.exec(line);
    if (subheading && subheading[1]!.length <= level) break;
    if (subheading) title = subheading[2]!;
  }
  return examples;
}

/** The first candidate (of 0, 1, 2, …) whose signature has both `-` and `_`: where base64 and base64url differ. */
export function withBase64urlCharacters<T>(candidate: (n: number) => T, sign: (value: T) => string): T {
  for (let n = 0; ; n++) {
    const value = candidate(n);
    const signature = sign(value);
    if (signature.includes('-') && signature.includes('_')) return value;
  }
}

interface Runner {
  label: string;
  file: string;
  command: string[];
}

/** How each language's example runs; CI must have every toolchain (scripts/test-tools.sh installs Debian's). */
const RUNNERS: Record<string, Runner> = {
  js: { label: 'Node', file: 'example.mjs', command: [process.execPath] },
  python: { label: 'Python', file: 'example.py', command: ['python3'] },
  sh: { label: 'shell (openssl)', file: 'example.sh', command: ['sh'] },
  go: { label: 'Go', file: 'example.go', command: ['go', 'run'] },
  php: { label: 'PHP', file: 'example.php', command: ['php'] },
};
const INSTALL = 'apt-get install golang-go php-cli';

const onPath = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const missing = (language: string) => !onPath(RUNNERS[language]!.command[0]!);

/**
 * A directory like a reader's project: `@darkroom/client` installed (this repository's, built), and
 * Go's cache and module path of its own, since `go run` needs a writable one and HOME may have none.
 */
const dir = mkdtempSync(join(tmpdir(), 'darkroom-doc-examples-'));
mkdirSync(join(dir, 'node_modules', '@darkroom'), { recursive: true });
symlinkSync(join(ROOT, 'packages', 'client'), join(dir, 'node_modules', '@darkroom', 'client'));
const env = { ...process.env, GOCACHE: join(dir, 'go-cache'), GOPATH: join(dir, 'go-path') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `it` for an example in `language`; outside CI, `it.skip` when its toolchain is missing (the title
 * says so). In CI a missing toolchain fails the test: an example skipped is an example not tested.
 */
export function exampleTest(language: string, title: string, test: () => void): void {
  const runner = RUNNERS[language];
  if (!runner) throw new Error(`no runner for \`\`\`${language} examples`);
  if (missing(language) && !process.env.CI) it.skip(`${title} (skipped: no ${runner.command[0]} on PATH; ${INSTALL})`, test);
  else it(title, test);
}

/** What the example prints, trimmed. */
export function runExample(language: string, code: string): string {
  const runner = RUNNERS[language]!;
  const [program, ...args] = runner.command;
  if (missing(language)) throw new Error(`${runner.label}: no ${program} on PATH. Install it (as root): ${INSTALL}; scripts/test-tools.sh does`);
  const file = join(dir, runner.file);
  writeFileSync(file, code);
  return execFileSync(program!, [...args, file], { cwd: dir, env, encoding: 'utf8' }).trim();
}
