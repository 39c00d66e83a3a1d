// Scratch: profile the API under the bench's upload load (not committed).
import { spawn } from 'node:child_process';
import { benchEnv, freePort, prepareBench, spawnNode, stop, waitForHttp, ROOT } from './support.js';
const { apiKey } = await prepareBench('prof');
const port = await freePort();
const path = process.argv[2] ?? 'upload';
const api = spawnNode(['--cpu-prof', '--cpu-prof-dir=/tmp/prof', 'apps/api/dist/main.js'], { ...benchEnv, HOST: '127.0.0.1', PORT: String(port) });
await waitForHttp(`http://127.0.0.1:${port}/healthz`);
const body = JSON.stringify({ filename: 'photo.jpg', contentType: 'image/jpeg', size: 2_000_000 });
let url = `http://127.0.0.1:${port}/v1/uploads`;
const args = ['-c', '20', '-d', '8', '-H', `authorization=Bearer ${apiKey}`];
if (path === 'upload') args.push('-m', 'POST', '-H', 'content-type=application/json', '-b', body);
else {
  const r = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body });
  url = `http://127.0.0.1:${port}/v1/assets/${((await r.json()) as any).asset.id}`;
}
const child = spawn(process.execPath, [`${ROOT}node_modules/autocannon/autocannon.js`, ...args, url], { stdio: 'inherit' });
await new Promise((r) => child.on('exit', r));
await stop(api);
