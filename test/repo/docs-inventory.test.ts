import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The lists the docs keep of the tree: the README's packages, and contributing.md's folders of
 * end-to-end tests. A folder added without its line is caught here, not by a newcomer.
 */
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const folders = (path: string) =>
  readdirSync(new URL(path, root), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

describe('the docs list the tree as it is', () => {
  it('README names every package under packages/', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## The code'), readme.indexOf('## Documentation'));
    expect(folders('packages/').filter((name) => !section.includes(`\`${name}\``) && !section.includes(`\`packages/${name}\``))).toEqual([]);
  });

  it('contributing.md names every folder of tests under test/', () => {
    const page = read('docs/contributing.md');
    // The bullets on where a test sits: its lane by its name, then its folder by concern.
    const contributing = page.slice(page.indexOf("- A test's name puts it in its lane"), page.indexOf('holds what they share'));
    const withTests = folders('test/').filter((name) =>
      readdirSync(new URL(`test/${name}/`, root), { recursive: true }).some((f) => String(f).endsWith('.test.ts')),
    );
    expect(withTests.filter((name) => !contributing.includes(`\`${name}/\``) && !contributing.includes(`\`test/${name}/\``))).toEqual([]);
  });
});
