import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/client.js';
import { startFileServer, type FileServer } from '../support/file-server.js';
import { createSourceBucket, type SourceBucket } from '../support/source-bucket.js';
import { setupHarness } from '../support/setup-harness.js';

// The command as `npm run import` runs it (the root package.json's script), built: a client of the API like any other.
const ROOT = new URL('../../', import.meta.url);
const script = (JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')) as { scripts: Record<string, string> }).scripts.import!;
const CLI = new URL(script.replace(/^node /, ''), ROOT).pathname;

const harness = setupHarness({ withWorker: false, env: { IMPORT_ALLOW_PRIVATE: 'true' } });
let tenant: TestApi;
let apiKey: string;
let server: FileServer;
let dir: string;
let bucket: SourceBucket | undefined;

beforeAll(async () => {
  const created = await harness.admin.createTenant('import-cli');
  apiKey = created.apiKey;
  tenant = harness.admin.withToken(apiKey);
  harness.runImportsOf(created.tenantId);
  server = await startFileServer({
    '/a.jpg': { fixture: '320x240.jpg' },
    '/b.png': { fixture: 'Flag_of_the_Netherlands-alpha.png' },
    '/c d.jpg': { fixture: 'DSCN0010.jpg', delayMs: 600 },
    '/new.jpg': { fixture: 'jolla.jpg' },
    '/held.jpg': 'hold',
  });
  dir = await mkdtemp(join(tmpdir(), 'darkroom-import-cli-'));
});
afterAll(async () => {
  await server?.close();
  await bucket?.remove();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

/** Runs the command with the tenant's key and nothing else of this process's environment. */
function runCli(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [CLI, '--api', harness.baseUrl, ...args], {
    env: { PATH: process.env.PATH!, DARKROOM_API_KEY: apiKey, ...env },
  });
  const run: Run = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.on('close', resolve)) };
  child.stdout!.on('data', (chunk: Buffer) => (run.stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk));
  return run;
}

async function finished(args: string[], env?: Record<string, string>) {
  const run = runCli(args, env);
  const code = await run.exit;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

async function listFile(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

const idIn = (text: string) => /Import ([0-9a-f-]{36}) started/.exec(text)?.[1];

describe('npm run import', () => {
  it('imports a CSV list, showing its progress as a log, then its counts and each failure; exit 1', async () => {
    const csv = await listFile('library.csv', [
      'url,filename,externalId',
      `${server.base}/a.jpg,cover.jpg,photo-a`,
      `"${server.base}/b.png",,photo-b`,
      `${server.base}/c%20d.jpg,"c, d.jpg",photo-c`,
      `${server.base}/missing.jpg?X-Amz-Signature=s3cr3t,,photo-missing`,
    ]);
    const { code, stdout, stderr } = await finished(['--urls', csv]);
    const id = idIn(stderr);
    expect(stderr).toContain(`Import ${id} started: 4 URLs, lines 2–5 of ${csv}.`);
    expect(stderr).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z import ${id} running: \\d/4 · `, 'm'));
    expect(stderr).not.toContain('\r');
    expect(stdout).toMatch(
      new RegExp(`^Import ${id} done in \\d+ s: of 4 found, 3 imported \\([\\d.]+ KiB\\), 0 skipped \\(already imported\\), 1 failed\\.$`, 'm'),
    );
    expect(stdout).toContain(`Failed (1):\n  ${server.base}/missing.jpg\n    source_not_found: The server at this URL answered`);
    expect(stdout + stderr).not.toContain('s3cr3t');
    expect(code).toBe(1);
    const { body } = await tenant.request('GET', `/v1/imports/${id}/items?status=imported`);
    const asset = await tenant.request('GET', `/v1/assets/${body.items[2]!.assetId}`);
    expect(asset.body).toMatchObject({ filename: 'c, d.jpg', metadata: { import: { id, source: `${server.base}/c%20d.jpg` } } });

    // Again without the missing one: everything is already there; exit 0.
    const again = await finished(['--urls', await listFile('again.csv', (await readFile(csv, 'utf8')).split('\n').slice(0, 4))]);
    expect(again.stdout).toMatch(/done in \d+ s: of 3 found, 0 imported \(0 B\), 3 skipped \(already imported\), 0 failed\.$/m);
    expect(again.code).toBe(0);
  });

  it('a dry run counts what it would import and imports nothing; exit 0', async () => {
    const before = (await tenant.request('GET', '/v1/assets?limit=100')).body.items.length;
    const list = await listFile('dry.txt', [`${server.base}/new.jpg`, '# already there:', `${server.base}/a.jpg`]);
    const { code, stdout, stderr } = await finished(['--urls', list, '--dry-run']);
    expect(stderr).toMatch(/Import [0-9a-f-]{36} started: 2 URLs, lines 1–3 of .*dry\.txt \(a dry run\)\./);
    expect(stdout).toMatch(
      /^Dry run [0-9a-f-]{36} done in \d+ s: of 2 found, 2 would be imported \([\d.]+ KiB\), 0 skipped \(already imported\), 0 would fail\.$/m,
    );
    expect(code).toBe(0);
    expect((await tenant.request('GET', '/v1/assets?limit=100')).body.items.length).toBe(before);
  });

  it('refuses wrong arguments, a list line the API would refuse and a missing key in one line each; exit 2, nothing started', async () => {
    const imports = (await tenant.request('GET', '/v1/imports?limit=100')).body.items.length;
    const bad = await listFile('bad.txt', [`${server.base}/a.jpg`, 'ftp://example.com/b.jpg']);
    // A 5 KB URL passes the command's checks but not the API's: an asset's metadata names its source, within 4 KiB.
    const long = await listFile('long.txt', ['# one fine, one too long', `${server.base}/a.jpg`, `${server.base}/${'x'.repeat(5000)}.jpg`]);
    const refusals = [
      await finished(['--urls', bad]),
      await finished(['--urls', long]),
      await finished(['--urls', bad, '--bucket', 'b']),
      await finished(['--urls', bad], { DARKROOM_API_KEY: '' }),
    ];
    expect(refusals.map((r) => [r.code, r.stdout, r.stderr.trim().split('\n')])).toEqual([
      [
        2,
        '',
        [
          `darkroom import: ${bad}: line 2: a ftp: URL: only http and https URLs are imported`,
          `darkroom import: ${bad}: 1 line(s) to put right (nothing was sent)`,
        ],
      ],
      [
        2,
        '',
        [
          expect.stringMatching(
            new RegExp(`^darkroom import: the API refused it: ${long}: line 3: invalid_request: source\\.items\\[1\\]'s metadata`),
          ),
        ],
      ],
      [2, '', ['darkroom import: give one of --urls FILE, --bucket NAME or --follow ID (--help shows how)']],
      [2, '', ["darkroom import: DARKROOM_API_KEY is not set: export the tenant's API key (dk_…) first"]],
    ]);
    expect((await tenant.request('GET', '/v1/imports?limit=100')).body.items.length).toBe(imports);
  });

  it("imports a bucket with the source's keys from the environment, never printing the secret; wrong keys fail it", async () => {
    bucket = await createSourceBucket({ photos: 3, prefix: 'cli/' });
    const args = ['--bucket', bucket.name, '--prefix', bucket.prefix, '--endpoint', process.env.S3_ENDPOINT!];
    const wrong = await finished(args, { IMPORT_ACCESS_KEY_ID: bucket.credentials.accessKeyId, IMPORT_SECRET_ACCESS_KEY: 'not-the-secret-0123' });
    expect(wrong.stdout).toMatch(/failed after \d+ s: source_forbidden: The source bucket refused these credentials/);
    expect(wrong.stdout + wrong.stderr).not.toContain('not-the-secret-0123');
    expect(wrong.code).toBe(1);

    const keys = { IMPORT_ACCESS_KEY_ID: bucket.credentials.accessKeyId, IMPORT_SECRET_ACCESS_KEY: bucket.credentials.secretAccessKey };
    const { code, stdout, stderr } = await finished(args, keys);
    expect(stderr).toContain(`started: every object of bucket ${bucket.name} under cli/ on ${process.env.S3_ENDPOINT}.`);
    // The files that are not media fail, each with its bucket/key and why; a folder's placeholder is no file.
    const others = bucket.otherKeys.filter((key) => !key.endsWith('/'));
    expect(stdout).toMatch(
      new RegExp(`of ${3 + others.length} found, 3 imported \\([\\d.]+ KiB\\), 0 skipped \\(already imported\\), ${others.length} failed\\.`),
    );
    for (const key of others) expect(stdout).toMatch(new RegExp(`^  ${bucket.name}/${key}\n    (unsupported_media_type|empty_file): `, 'm'));
    expect(stdout + stderr).not.toContain(bucket.credentials.secretAccessKey);
    expect(code).toBe(1);
  });

  it('leaves the import running on Ctrl-C and says how to follow it; --follow shows it to its end', async () => {
    const list = await listFile('held.txt', [`${server.base}/held.jpg`]);
    const run = runCli(['--urls', list]);
    await until(() => server.requests.includes('/held.jpg') && idIn(run.stderr) !== undefined);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    const id = idIn(run.stderr)!;
    expect(run.stderr).toContain(
      `Stopped following import ${id}: it goes on in Darkroom. To follow it again: darkroom-import --follow ${id} --api ${harness.baseUrl}\n`,
    );
    expect((await tenant.request('GET', `/v1/imports/${id}`)).body.import.status).toBe('running');

    const follow = runCli(['--follow', id]);
    await until(() => follow.stderr.includes(`Following import ${id} (running)`));
    expect((await tenant.request('POST', `/v1/imports/${id}/cancel`)).status).toBe(200);
    expect(await follow.exit).toBe(1);
    expect(follow.stdout).toMatch(
      new RegExp(`^Import ${id} was canceled after \\d+ s: of 1 found, 0 imported \\(they stay\\), 0 skipped, 0 failed\\.$`, 'm'),
    );
  });
});

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
  }
}
