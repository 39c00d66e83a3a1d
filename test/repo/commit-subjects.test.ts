import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The rule of docs/contributing.md#commits, as `.ci/run` applies it (scripts/check-commit-subjects.sh). */
const SCRIPT = fileURLToPath(new URL('../../scripts/check-commit-subjects.sh', import.meta.url));

/** The subjects the script refuses, from a list given on stdin, and its exit status. */
function refused(subjects: string[]): { refused: string[]; status: number | null } {
  const run = spawnSync('bash', [SCRIPT, '--stdin'], { input: `${subjects.join('\n')}\n`, encoding: 'utf8' });
  const lines = run.stdout.split('\n');
  return { refused: lines.filter((line) => line !== '' && !line.startsWith('  -> ')), status: run.status };
}

describe('commit subjects', () => {
  it('takes `<area>: <imperative text>` of at most 72 characters', () => {
    const good = [
      'worker: register jobs in one table',
      'delivery, api: mask private links in every log line',
      'test/repo: check commit subjects',
      'docs: say where figures go',
      `docs: ${'x'.repeat(66)}`,
      `media: ${'×'.repeat(65)}`,
    ];
    expect(refused(good)).toEqual({ refused: [], status: 0 });
  });

  it('refuses a long subject, one without its area, and a capitalised area', () => {
    const bad = [
      `docs: ${'x'.repeat(67)}`,
      `media: ${'×'.repeat(66)}`,
      'register jobs in one table',
      'Docs: the import window read second by second',
      'worker:register jobs',
      'worker: ',
      ': no area',
    ];
    expect(refused(bad)).toEqual({ refused: bad, status: 1 });
  });

  describe('in a history', () => {
    const repo = mkdtempSync(join(tmpdir(), 'darkroom-subjects-'));
    afterAll(() => rmSync(repo, { recursive: true, force: true }));
    // Git's own variables point git at the caller's repository wherever it runs: a hook or
    // `git rebase --exec` sets GIT_DIR, and this history would be written into Darkroom's own.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_')));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
        cwd: repo,
        env,
        encoding: 'utf8',
      });
    const commit = (subject: string) => git('commit', '--allow-empty', '-q', '-m', subject);

    it('checks only the non-merge commits after the one that added the script', () => {
      git('init', '-q', '-b', 'main');
      commit('An old subject written before the rule, far longer than seventy-two characters');
      mkdirSync(join(repo, 'scripts'));
      copyFileSync(SCRIPT, join(repo, 'scripts', 'check-commit-subjects.sh'));
      git('add', 'scripts');
      git('commit', '-q', '-m', 'scripts: check commit subjects');
      git('checkout', '-q', '-b', 'side');
      commit('worker: a good subject on a branch');
      git('checkout', '-q', 'main');
      commit('Not the rule');
      git('merge', '-q', '--no-ff', '-m', "Merge branch 'side' into main, a subject git wrote and the rule leaves", 'side');
      const run = spawnSync('bash', [join(repo, 'scripts', 'check-commit-subjects.sh')], { cwd: repo, env, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/^[0-9a-f]{12} Not the rule\n {2}-> not '<area>: <text>'/);
      expect(run.stdout.match(/^\S/gm)).toHaveLength(1);
    });
  });
});
