// Uploads files through a running Darkroom API with @darkroom/client (packages/client, built), as a
// content platform's backend would, then prints each asset's outcome (a rejected one with its
// moderation finding; the EICAR sample must be rejected) and its variants' CDN URLs, one
// photo's delivery URL (fetched here first, so the demo fails unless it answers an image) and srcset,
// one photo uploaded private with its private URL (fetched first: the demo fails unless it answers an
// image, and unless its public URL answers 404), the video's stream (its master playlist, fetched here first: the demo fails unless it answers a
// playlist) and storyboard, the podcast's rendition and waveform with its loudness, and the upload
// page's URL with a fresh upload token for a browser. Usage: demo-upload.mjs BASE_URL FILE...
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { DarkroomClient } from '@darkroom/client';

const [baseUrl, ...files] = process.argv.slice(2);
const TYPES = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
}; // prettier-ignore

function describe(asset) {
  if (asset.kind === 'audio') {
    const { codec, sampleRate, channels, loudness } = asset.audio;
    return `${asset.format}, ${asset.duration} s ${codec} ${sampleRate} Hz ${channels} ch, loudness ${loudness} LUFS`;
  }
  const video =
    asset.kind === 'video' ? `, ${asset.duration} s ${asset.video.codec} ${asset.video.fps} fps${asset.video.audio ? ' with sound' : ''}` : '';
  return `${asset.width}x${asset.height} ${asset.format}${video}`;
}

async function uploadOne(client, file) {
  const bytes = new Uint8Array(await readFile(file));
  const contentType = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  // PUT or multipart as the API answers, then complete, then wait (live status) for ready or failed.
  return client.upload(bytes, { filename: basename(file), contentType, waitTimeoutMs: 120_000 });
}

const started = Date.now();
const admin = new DarkroomClient({ baseUrl, token: process.env.ADMIN_TOKEN });
const { apiKey } = await admin.tenants.create({ name: `demo ${new Date().toISOString()}` });
const tenant = new DarkroomClient({ baseUrl, token: apiKey });
const assets = await Promise.all(files.map((file) => uploadOne(tenant, file)));
for (const asset of assets) {
  if (asset.status === 'failed') {
    console.log(`\n${asset.filename}: failed (${asset.error.code}) ${asset.error.message}`);
    continue;
  }
  if (asset.status === 'rejected' || asset.status === 'held') {
    const findings = asset.moderation.findings.map((f) => `${f.check} ${f.label ?? ''}${f.score === null ? '' : ` ${f.score}`}`.trim());
    console.log(`\n${asset.filename}: ${asset.status} (${asset.error?.code ?? 'held for review'}), finding: ${findings.join('; ')}`);
    continue;
  }
  console.log(`\n${asset.filename}: ready ${describe(asset)}, dominant ${asset.dominantColor}`);
  for (const v of asset.variants) {
    const what = v.kind === 'image' ? v.format : `${v.format} ${v.duration ?? '-'} s`;
    const shape = v.kind === 'audio' ? '-' : `${v.width}x${v.height}`;
    console.log(`  ${v.name.padEnd(8)} ${shape.padEnd(9)} ${what.padEnd(11)} ${String(v.size).padStart(7)} B  ${v.url}`);
  }
}
const count = (status) => assets.filter((a) => a.status === status).length;
console.log(
  `\n${count('ready')} ready, ${count('rejected')} rejected, ${count('failed')} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

// Moderation: the sample that carries the EICAR test string is rejected by the malware scan, and nothing of it published.
const eicar = assets.find((a) => a.filename === 'demo-eicar.jpg');
if (eicar && (eicar.status !== 'rejected' || eicar.moderation.findings[0]?.check !== 'malware' || eicar.variants.length > 0)) {
  console.error(`\nModeration: ${eicar.filename} is ${eicar.status}, not rejected by the malware scan`);
  process.exit(1);
}

// Images on request: any width in the tenant's policy, unsigned; f_auto picks the format from Accept.
const photo = assets.find((a) => a.status === 'ready' && a.kind === 'image');
const deliveryUrl = `${photo.delivery.base}/w_640`;
const answer = await fetch(deliveryUrl, { headers: { accept: 'image/avif,image/webp,image/*' } });
const body = await answer.arrayBuffer();
const type = answer.headers.get('content-type') ?? '';
if (answer.status !== 200 || !type.startsWith('image/')) {
  console.error(`\nDelivery: ${deliveryUrl} answered ${answer.status} ${type}, not an image`);
  process.exit(1);
}
console.log(`\nDelivery (${photo.filename}, any width of the tenant's policy on request):`);
console.log(`  ${deliveryUrl}  → ${answer.status} ${type}, ${body.byteLength} B`);
console.log(`  srcset="${photo.delivery.srcset}"`);

// Private media: one photo uploaded private. Its URLs expire and are the only way to it; its public
// delivery URL answers as for an id that does not exist.
const [secret] = files.filter((file) => /\.(jpe?g|png)$/i.test(file));
const hidden = await tenant.upload(new Uint8Array(await readFile(secret)), {
  filename: `private-${basename(secret)}`,
  contentType: TYPES[extname(secret).toLowerCase()],
  visibility: 'private',
  waitTimeoutMs: 120_000,
});
const privateUrl = `${hidden.delivery.base}/w_640`;
const privateAnswer = await fetch(privateUrl, { headers: { accept: 'image/webp,image/*' } });
await privateAnswer.arrayBuffer();
const privateType = privateAnswer.headers.get('content-type') ?? '';
if (privateAnswer.status !== 200 || !privateType.startsWith('image/')) {
  console.error(`\nPrivate media: ${privateUrl} answered ${privateAnswer.status} ${privateType}, not an image`);
  process.exit(1);
}
const publicUrl = new URL(`/img/${hidden.id}/${hidden.revision}/w_640`, privateUrl).href;
const publicAnswer = await fetch(publicUrl);
await publicAnswer.arrayBuffer();
if (publicAnswer.status !== 404) {
  console.error(`\nPrivate media: the public ${publicUrl} answered ${publicAnswer.status}, not 404`);
  process.exit(1);
}
console.log(`\nPrivate media (${hidden.filename}, URLs valid until ${hidden.urlsExpireAt}):`);
console.log(`  ${privateUrl}  → ${privateAnswer.status} ${privateType}, ${privateAnswer.headers.get('cache-control')}`);
console.log(`  ${publicUrl}  → ${publicAnswer.status}`);

// Streaming: a player fetches the master playlist from the CDN as it is.
const video = assets.find((a) => a.status === 'ready' && a.kind === 'video');
const stream = video?.variants.find((v) => v.format === 'hls');
if (!stream) {
  console.error('\nStreaming: the video has no hls variant');
  process.exit(1);
}
const playlist = await fetch(stream.url);
const playlistText = await playlist.text();
if (playlist.status !== 200 || !playlistText.startsWith('#EXTM3U')) {
  console.error(`\nStreaming: ${stream.url} answered ${playlist.status}, not a playlist`);
  process.exit(1);
}
const storyboard = video.variants.find((v) => v.format === 'storyboard');
console.log(`\nStreaming (${video.filename}, ${stream.renditions.map((r) => `${r.height}p`).join(', ')}):`);
console.log(`  master playlist  ${stream.url}  → ${playlist.status} ${playlist.headers.get('content-type')}`);
console.log(`  storyboard       ${storyboard ? storyboard.url : '(none in this preset)'}`);

const podcast = assets.find((a) => a.status === 'ready' && a.kind === 'audio');
if (podcast) {
  const rendition = podcast.variants.find((v) => v.kind === 'audio' && v.format !== 'waveform');
  const waveform = podcast.variants.find((v) => v.format === 'waveform');
  console.log(`\nPodcast (${podcast.filename}, measured ${podcast.audio.loudness} LUFS integrated):`);
  console.log(`  ${rendition.name.padEnd(16)} ${rendition.url}`);
  console.log(`  ${'waveform'.padEnd(16)} ${waveform.url}`);
}

// What a platform's backend hands a browser: a short-lived token, never its API key.
const { token, expiresAt } = await tenant.uploadTokens.create({ expiresIn: 3600, maxUploads: 20 });
console.log(`\nUpload page (token valid until ${expiresAt}):\n  ${baseUrl}/upload#token=${token}`);
