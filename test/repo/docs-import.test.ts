import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usage } from '../../packages/client/src/cli/import-args.js';

/** docs/integration.md shows `npm run import -- --help` as the command prints it: the first text block under its heading. */
const lines = readFileSync(new URL('../../docs/integration.md', import.meta.url), 'utf8').split('\n');

function firstTextBlockUnder(heading: string): string | null {
  const at = lines.indexOf(heading);
  const start = lines.indexOf('```text', at);
  if (at < 0 || start < 0) return null;
  return `${lines.slice(start + 1, lines.indexOf('```', start + 1)).join('\n')}\n`;
}

describe('docs/integration.md on npm run import', () => {
  it('shows the help the command prints', () => {
    expect(firstTextBlockUnder('### From a terminal: `npm run import`')).toBe(usage('npm run import --'));
  });
});
