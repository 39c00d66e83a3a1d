import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The README, docs/ (its design notes too) and the code's comments link into the docs: every file and heading they name must exist. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const docsIn = (dir: string) => readdirSync(join(ROOT, dir)).map((name) => `${dir}/${name}`);
const DOCS = ['README.md', ...docsIn('docs'), ...docsIn('docs/design'), 'patches/README.md'].filter((path) => path.endsWith('.md'));

/** GitHub's heading anchor: lower case, punctuation dropped (but `-` and `_`), spaces as `-`, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const slug = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

const anchorsOf = (path: string) => headingAnchors(readFileSync(path, 'utf8'));

/** Where a link from `from` goes wrong, or null when its file (and heading) exist. */
function brokenLink(from: string, link: string): string | null {
  const [path = '', anchor] = link.split('#');
  const target = path === '' ? from : resolve(dirname(from), path);
  if (!existsSync(target)) return `${link}: no such file`;
  if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor)) return `${link}: no such heading`;
  return null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // Dot-directories are build output and caches (bench/next-app/.next), not code.
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs|sh)$/.test(name) ? [path] : [];
  });
}

describe('links into the docs', () => {
  it('works out anchors as GitHub does', () => {
    expect([...headingAnchors('# Docs\n## One-shot hashing, digests as hex\n```\n# not a heading\n```\n## `npm run lint`\n## Docs')]).toEqual([
      'docs',
      'one-shot-hashing-digests-as-hex',
      'npm-run-lint',
      'docs-1',
    ]);
  });

  it.each(DOCS)('%s links only to files and headings that exist', (doc) => {
    const path = join(ROOT, doc);
    const links = [...withoutCodeBlocks(readFileSync(path, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    const broken = links.filter((link) => !/^[a-z]+:/.test(link)).map((link) => brokenLink(path, link));
    expect(broken.filter(Boolean)).toEqual([]);
  });

  it('code comments link only to docs headings that exist', () => {
    const broken: string[] = [];
    for (const file of ['apps', 'packages', 'bench', 'scripts', 'test'].flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
      for (const [link] of readFileSync(file, 'utf8').matchAll(/docs\/(?:design\/)?[a-z-]+\.md#[a-z0-9-]+/g)) {
        const problem = brokenLink(join(ROOT, 'README.md'), link);
        if (problem) broken.push(`${relative(ROOT, file)}: ${problem}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
