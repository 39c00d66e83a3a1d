import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deliverySignedPath, signDeliveryPath } from '@darkroom/core';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * docs/delivery.md's signing examples, each run as a reader would copy it and compared with
 * signDeliveryPath: as written (the key and path it shows), and with another key and path whose
 * signature holds both `-` and `_`, where base64 and base64url differ.
 */
const DOC = readFileSync(fileURLToPath(new URL('../../docs/delivery.md', import.meta.url)), 'utf8');
const EXAMPLE_KEY = 'dsk_Jq4n8VxT2mR7cY1pL9eW3sK6hB0aD5fG8uZ2oN4iQ7t';
const EXAMPLE_PATH = '0193a1f2-7c4e-7b3a-9d2e-5f6a7b8c9d0e/2/w_1200,h_630,c_cover,g_auto,f_jpeg';
const urlOf = (key: string, path: string) => `https://img.example.com/img/${path}/${signDeliveryPath(key, path)}`;

/** The Signing section's code blocks by language: the section ends at the next `## ` heading. */
function signingExamples(): Map<string, string> {
  const start = DOC.indexOf('\n## Signing\n');
  const end = DOC.indexOf('\n## ', start + 1);
  const section = DOC.slice(start, end);
  return new Map([...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** A second key and path, the first whose signature has both characters base64url swaps in. */
function awkwardPair(): { key: string; path: string } {
  for (let n = 0; ; n++) {
    const key = `dsk_${Buffer.from(`darkroom-docs-signing-${n}`).toString('base64url').padEnd(43, 'A').slice(0, 43)}`;
    const path = deliverySignedPath('01936f8a-0000-7000-8000-00000000002a', 7, `w_640,dpr_1.5,q_${(n % 100) + 1}`);
    const signature = signDeliveryPath(key, path);
    if (signature.includes('-') && signature.includes('_')) return { key, path };
  }
}

const onPath = (program: string) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'darkroom-docs-signing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How each language's example runs: its file name and its command; null when its toolchain is missing. */
const RUNNERS: Record<string, { label: string; file: string; command: string[] | null; missing?: string }> = {
  js: { label: 'Node', file: 'sign.mjs', command: [process.execPath] },
  python: { label: 'Python', file: 'sign.py', command: ['python3'] },
  sh: { label: 'shell (openssl)', file: 'sign.sh', command: ['sh'] },
  go: { label: 'Go', file: 'sign.go', command: onPath('go') ? ['go', 'run'] : null, missing: 'no go toolchain on PATH' },
  php: { label: 'PHP', file: 'sign.php', command: onPath('php') ? ['php'] : null, missing: 'no php on PATH' },
};

function run(language: string, code: string): string {
  const runner = RUNNERS[language]!;
  const file = join(dir, runner.file);
  writeFileSync(file, code);
  const [program, ...args] = runner.command!;
  return execFileSync(program!, [...args, file], { cwd: dir, encoding: 'utf8' }).trim();
}

describe('docs/delivery.md signing examples', () => {
  const examples = signingExamples();

  it('has one example for each of Node, Python, Go, PHP and the shell, and states the URL they print', () => {
    expect([...examples.keys()].sort()).toEqual(['go', 'js', 'php', 'python', 'sh']);
    for (const code of examples.values()) {
      expect(code).toContain(EXAMPLE_KEY);
      expect(code).toContain(EXAMPLE_PATH);
    }
    expect(DOC).toContain(`prints\n\`${urlOf(EXAMPLE_KEY, EXAMPLE_PATH)}\``);
  });

  for (const [language, runner] of Object.entries(RUNNERS)) {
    const title = runner.command ? runner.label : `${runner.label} (skipped: ${runner.missing})`;
    it.skipIf(!runner.command)(`${title}: prints signDeliveryPath's URL, as written and for another key and path`, () => {
      const code = examples.get(language)!;
      expect(run(language, code)).toBe(urlOf(EXAMPLE_KEY, EXAMPLE_PATH));
      const other = awkwardPair();
      const substituted = code.replaceAll(EXAMPLE_KEY, other.key).replaceAll(EXAMPLE_PATH, other.path);
      expect(run(language, substituted)).toBe(urlOf(other.key, other.path));
    });
  }
});
