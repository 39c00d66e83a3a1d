import { execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, staleBuilds, waitFor } from './services.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
/** test/next-app: next/image with @darkroom/client/next as its loaderFile. */
const appDir = `${root}test/next-app`;
const nextBin = `${root}node_modules/next/dist/bin/next`;

export interface NextApp {
  baseUrl: string;
  output(): string;
  close(): Promise<void>;
}

/**
 * Builds test/next-app (`next build`) into a directory of this run's own, so parallel runs never
 * share one, then serves it (`next start`) on a free port until close(), which removes the build.
 * The loader comes from @darkroom/client's dist/, so build the workspaces first.
 */
export async function startNextApp(): Promise<NextApp> {
  const stale = staleBuilds();
  if (stale.length > 0) throw new Error(`run \`npm run build\` first: dist/ is older than src/ in ${stale.join(', ')}`);
  const distDir = `.next-test-${process.pid}`;
  const env = { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  const removeBuild = () => rm(`${appDir}/${distDir}`, { recursive: true, force: true });
  try {
    await run(process.execPath, [nextBin, 'build'], { cwd: appDir, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    await removeBuild();
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const close = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await removeBuild();
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor('next start to answer', async () => {
      if (child.exitCode !== null) throw new Error(`next start exited: ${output}`);
      return (await fetch(baseUrl).catch(() => null))?.ok;
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { baseUrl, output: () => output, close };
}
