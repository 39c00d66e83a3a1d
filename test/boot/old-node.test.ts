import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFloor, UNSUPPORTED_NODE_EXIT } from '@darkroom/core/node-floor';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dockerfileStages, repoFile } from '../support/docker.js';
import { OLD_NODE_VERSION, oldNodeBin } from '../support/old-node.js';

/**
 * Every command an operator starts, run on a Node older than package.json's engines (Node 20, what
 * NodeSource's apt gives): each must end at once with one line naming the Node it found, the one it
 * needs and `. scripts/node.sh`, before it loads anything that fails on that Node. Run as an operator
 * runs them (npm scripts, the Docker images' commands) from the built files, all at once.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(`${ROOT}${path}`, 'utf8')) as { name?: string; scripts?: Record<string, string> };
/** Each workspace's scripts by its name (`@darkroom/api`). */
const WORKSPACE_SCRIPTS = new Map(
  ['apps', 'packages'].flatMap((group) =>
    readdirSync(`${ROOT}${group}`, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(`${ROOT}${group}/${entry.name}/package.json`))
      .map((entry) => readJson(`${group}/${entry.name}/package.json`))
      .map((manifest) => [manifest.name, manifest.scripts ?? {}] as const),
  ),
);

/**
 * The root scripts that start a program of a workspace (`node dist/…`, `sh bin/start.sh`), read from
 * the package.json files so a new command is checked without being listed here.
 */
function npmEntrypoints(): string[] {
  const scripts = readJson('package.json').scripts ?? {};
  return Object.entries(scripts)
    .filter(([, command]) => {
      if (/^node packages\/[\w-]+\/dist\//.test(command)) return true;
      const workspace = /^npm run (\S+) -w @darkroom\/([\w-]+)/.exec(command);
      if (!workspace) return false;
      const target = WORKSPACE_SCRIPTS.get(`@darkroom/${workspace[2]}`)?.[workspace[1]!];
      return target !== undefined && /^(node dist\/|sh bin\/)/.test(target);
    })
    .map(([name]) => name);
}

interface Service {
  build?: string | { context?: string };
  command?: string[];
}

/** What the images run: each Dockerfile stage's CMD and the commands docker-compose.yml gives the images it builds. */
function dockerCommands(): string[][] {
  const cmds = dockerfileStages(repoFile('Dockerfile')).flatMap((stage) => (stage.cmd ? [JSON.parse(stage.cmd) as string[]] : []));
  const services = Object.values((parse(repoFile('docker-compose.yml')) as { services: Record<string, Service> }).services);
  const built = services.filter((service) => service.build === '.' || (typeof service.build === 'object' && service.build.context === '.'));
  return [...new Map([...cmds, ...built.flatMap((s) => (s.command ? [s.command] : []))].map((cmd) => [cmd.join(' '), cmd])).values()];
}

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runOn(bin: string, command: string[]): Promise<Ended> {
  return new Promise((resolve, reject) => {
    // npm's own lines (the script's banner, "command failed") stay out, as with `npm run --silent`.
    const env = { PATH: `${bin}${delimiter}${process.env.PATH}`, HOME: process.env.HOME ?? ROOT, npm_config_loglevel: 'silent' };
    const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    // A command that got past the check would go on starting: it is stopped, and fails below. The
    // limit is generous because npm itself takes seconds to start on a busy machine.
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let bin: string | undefined;
let unavailable: string | undefined;
beforeAll(async () => {
  try {
    bin = await oldNodeBin();
  } catch (error) {
    // Outside CI a machine without the registry skips; in CI this is a failure.
    if (process.env.CI) throw error;
    unavailable = (error as Error).message.split('\n')[0];
  }
}, 300_000);

describe(`every entrypoint on Node ${OLD_NODE_VERSION}`, () => {
  const floor = nodeFloor();
  const commands = [...npmEntrypoints().map((script) => ['npm', 'run', script]), ...dockerCommands()];

  it('covers the npm commands and the Docker images', () => {
    expect(npmEntrypoints()).toEqual(
      expect.arrayContaining([
        'start:api',
        'start:worker',
        'start:delivery',
        'recover',
        'orphans',
        'db:backup',
        'db:restore',
        'db:migrate',
        'storage:setup',
        'import',
      ]),
    );
    expect(dockerCommands().map((cmd) => cmd.join(' '))).toEqual(
      expect.arrayContaining(['node apps/api/dist/main.js', 'sh apps/worker/bin/start.sh', 'sh apps/delivery/bin/start.sh']),
    );
  });

  it('refuses each at once with one line naming that Node, the one needed and the command that gets it', async (context) => {
    if (!bin) return context.skip(`no Node ${OLD_NODE_VERSION} from the npm registry: ${unavailable}`);
    expect(Number(OLD_NODE_VERSION.split('.')[0])).toBeLessThan(floor);
    const ended = await Promise.all(commands.map((command) => runOn(bin!, command)));
    const seen = commands.map((command, i) => ({ command: command.join(' '), ...ended[i]! }));
    for (const { command, code, stdout, stderr } of seen) {
      expect({ command, code, stdout }).toEqual({ command, code: UNSUPPORTED_NODE_EXIT, stdout: '' });
      expect(stderr, command).toMatch(
        new RegExp(
          `^darkroom [\\w:]+: found Node ${OLD_NODE_VERSION.replaceAll('.', '\\.')}, needs Node ${floor} or newer: \`\\. scripts/node\\.sh\` [^\\n]*\\n$`,
        ),
      );
    }
  }, 240_000);
});
