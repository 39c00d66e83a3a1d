// Uploads files through a running Darkroom API the way a content platform and browser would,
// then prints each asset's outcome and its variants' CDN URLs. Usage: demo-upload.mjs BASE_URL FILE...
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';

const [baseUrl, ...files] = process.argv.slice(2);
const TYPES = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp', '.tiff': 'image/tiff', '.avif': 'image/avif', '.heic': 'image/heic', '.heif': 'image/heif',
  '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.webm': 'video/webm',
}; // prettier-ignore

async function call(token, method, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = res.status === 204 ? null : await res.json();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${json.error.code}: ${json.error.message}`);
  return json;
}

async function sendBytes(upload, bytes) {
  if (upload.method === 'PUT') {
    const res = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
    if (!res.ok) throw new Error(`PUT to bucket: ${res.status}`);
    return {};
  }
  const parts = await Promise.all(
    upload.parts.map(async ({ partNumber, url }) => {
      const chunk = bytes.subarray((partNumber - 1) * upload.partSize, partNumber * upload.partSize);
      const res = await fetch(url, { method: 'PUT', body: chunk });
      if (!res.ok) throw new Error(`PUT part ${partNumber}: ${res.status}`);
      return { partNumber, etag: res.headers.get('etag') };
    }),
  );
  return { parts };
}

async function uploadOne(key, file) {
  const bytes = new Uint8Array(await readFile(file));
  const contentType = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const { asset, upload } = await call(key, 'POST', '/v1/uploads', { filename: basename(file), contentType, size: bytes.length });
  await call(key, 'POST', `/v1/uploads/${asset.id}/complete`, await sendBytes(upload, bytes));
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const current = await call(key, 'GET', `/v1/assets/${asset.id}`);
    if (current.status === 'ready' || current.status === 'failed') return current;
  }
  throw new Error(`${file}: not processed within 120 s`);
}

const started = Date.now();
const { apiKey } = await call(process.env.ADMIN_TOKEN, 'POST', '/v1/admin/tenants', { name: `demo ${new Date().toISOString()}` });
const assets = await Promise.all(files.map((file) => uploadOne(apiKey, file)));
for (const asset of assets) {
  if (asset.status === 'failed') {
    console.log(`\n${asset.filename}: failed (${asset.error.code}) ${asset.error.message}`);
    continue;
  }
  const video = asset.kind === 'video' ? `, ${asset.duration} s ${asset.video.codec} ${asset.video.fps} fps${asset.video.audio ? ' with sound' : ''}` : '';
  console.log(`\n${asset.filename}: ready ${asset.width}x${asset.height} ${asset.format}${video}, dominant ${asset.dominantColor}`);
  for (const v of asset.variants) {
    const what = v.kind === 'video' ? `${v.format} ${v.duration} s` : v.format;
    console.log(`  ${v.name.padEnd(6)} ${`${v.width}x${v.height}`.padEnd(9)} ${what.padEnd(11)} ${String(v.size).padStart(7)} B  ${v.url}`);
  }
}
const ready = assets.filter((a) => a.status === 'ready').length;
console.log(`\n${ready} ready, ${assets.length - ready} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
