import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The docs are manuals: a run's story (its machine, its commit) belongs in the commit message of
 * the change it explains (docs/contributing.md#comments-and-figures). So no word of docs/ names a
 * commit of this repository or a CPU model.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** Every line of every doc, with where it stands. */
const LINES = markdownFiles(join(ROOT, 'docs')).flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((text, i) => ({ where: `${relative(ROOT, file)}:${i + 1}`, text })),
);

/** CPU models and their makers' names as a machine reports them. */
const CPU_NAMES = [
  /\bXeon\b/i,
  /\bEPYC\b/i,
  /\bRyzen\b/i,
  /\bThreadripper\b/i,
  /\bOpteron\b/i,
  /\bCore(?:\(TM\))? i[3579]\b/,
  /\bCeleron\b/i,
  /\bPentium\b/i,
  /\bAthlon\b/i,
  /\bIntel\b/,
  /\bAMD\b/,
  /\bGraviton\d*\b/i,
  /\bNeoverse\b/i,
  /\bApple M\d\b/,
  /\bCortex-A\d+\b/,
];

/** The words among `words` that name a commit of this repository (`git cat-file -e <word>^{commit}`). */
function commits(words: string[]): Set<string> {
  if (words.length === 0) return new Set();
  const out = execFileSync('git', ['cat-file', '--batch-check=%(objecttype)'], {
    cwd: ROOT,
    input: `${words.map((word) => `${word}^{commit}`).join('\n')}\n`,
    encoding: 'utf8',
  });
  const answers = out.trimEnd().split('\n');
  return new Set(words.filter((_, i) => answers[i] === 'commit'));
}

describe('the docs hold no run story', () => {
  it('finds a commit in a word of hex, and nothing in other words', () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    expect([...commits([head.slice(0, 7), head, 'deadbeefdeadbeefdeadbeef', '0123456'])]).toEqual([head.slice(0, 7), head]);
  });

  it('names no commit of this repository in docs/', () => {
    const hex = LINES.flatMap(({ where, text }) => [...text.matchAll(/\b[0-9a-f]{7,40}\b/gi)].map(([word]) => ({ where, word })));
    const named = commits([...new Set(hex.map(({ word }) => word))]);
    expect(hex.filter(({ word }) => named.has(word)).map(({ where, word }) => `${where}: ${word}`)).toEqual([]);
  });

  it('keeps docs/performance.md a manual of at most 250 lines', () => {
    expect(
      readFileSync(join(ROOT, 'docs', 'performance.md'), 'utf8')
        .trimEnd()
        .split('\n').length,
    ).toBeLessThanOrEqual(250);
  });

  it('names no CPU model in docs/', () => {
    const found = LINES.flatMap(({ where, text }) => CPU_NAMES.filter((name) => name.test(text)).map((name) => `${where}: ${text.match(name)?.[0]}`));
    expect(found).toEqual([]);
  });
});
