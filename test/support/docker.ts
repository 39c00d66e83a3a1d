import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads the repository's Docker files as text: there is no Docker engine where the tests run. */
export const repoFile = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

/** A Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(dockerfile: string): { keyword: string; args: string }[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** Each FROM's image, and the stage names (`AS name`) a later FROM may build on. */
export function dockerfileFroms(dockerfile: string): { images: string[]; stages: string[] } {
  const froms = instructions(dockerfile)
    .filter((i) => i.keyword === 'FROM')
    .map((i) => i.args.replace(/^--platform=\S+\s+/, '').split(/\s+/));
  return { images: froms.map((words) => words[0]!), stages: froms.filter((words) => words[1]?.toUpperCase() === 'AS').map((words) => words[2]!) };
}

/**
 * Each stage of a Dockerfile in order: its name (`AS name`), what it builds on, and the CMD it runs,
 * inherited from the stage it builds on when it sets none (as Docker does).
 */
export function dockerfileStages(dockerfile: string): { name: string | undefined; base: string; cmd: string | undefined }[] {
  const stages: { name: string | undefined; base: string; cmd: string | undefined }[] = [];
  for (const { keyword, args } of instructions(dockerfile)) {
    if (keyword === 'FROM') {
      const [base = '', as, name] = args.replace(/^--platform=\S+\s+/, '').split(/\s+/);
      const inherited = stages.find((stage) => stage.name === base)?.cmd;
      stages.push({ name: as?.toUpperCase() === 'AS' ? name : undefined, base, cmd: inherited });
    } else if (keyword === 'CMD' && stages.length > 0) {
      stages.at(-1)!.cmd = args;
    }
  }
  return stages;
}

/** The `ENV name=value ...` settings of a Dockerfile (the form this repository uses). */
export function dockerfileEnv(dockerfile: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructions(dockerfile).filter((i) => i.keyword === 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const at = pair.indexOf('=');
      if (at > 0) env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }
  return env;
}

/**
 * An image reference pinned to one release: a digest, or a tag naming an exact version
 * (`16.10`, `7.4.6`, `24.21.0-bookworm-slim`) or a dated build (`bookworm-20251117-slim`).
 * No tag, `latest`, or a bare major (`redis:7`, `node:24-bookworm-slim`) moves under you.
 */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([\w][\w.-]*)$/.exec(image)?.[1];
  if (!tag || tag === 'latest') return false;
  return /^\d+\.\d+(\.\d+)?(-[\w.-]+)?$/.test(tag) || /(^|-)\d{8}(-|$)/.test(tag);
}
