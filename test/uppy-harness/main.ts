/**
 * The test harness page for Uppy (test/uploads/uppy.test.ts): Uppy 6's Dashboard with @uppy/aws-s3
 * configured by @darkroom/client/uppy, talking to the real API with an upload token from the URL
 * fragment. After Uppy has sent a file, the page follows it with client.waitUntilReady() and lists
 * the outcome (its thumbnail, or its error message) under the Dashboard. Test-only: bundled by the
 * test with esbuild, never served by the API.
 */
import { DarkroomClient, DarkroomError, type Asset } from '@darkroom/client';
import { darkroomUppy } from '@darkroom/client/uppy';
import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';

declare global {
  interface Window {
    /** Each file's upload progress as Uppy reported it, 0..100, by file name. */
    uppyProgress: Record<string, number[]>;
  }
}

const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const client = new DarkroomClient({ baseUrl: location.origin, token });
const results = document.getElementById('results')!;
window.uppyProgress = {};

function show(name: string, asset: Asset | undefined, error?: string): void {
  const item = document.createElement('li');
  item.className = 'result';
  item.dataset.name = name;
  item.dataset.status = asset?.status ?? 'error';
  if (asset) item.dataset.assetId = asset.id;
  const label = document.createElement('strong');
  label.textContent = `${name}: ${asset?.status ?? 'error'}`;
  item.append(label);
  const thumbnail = asset?.variants.find((v) => v.name === 'thumb') ?? asset?.variants[0];
  if (thumbnail) {
    const img = document.createElement('img');
    img.src = thumbnail.url;
    img.alt = `${name}, ${thumbnail.name}`;
    item.append(img);
  }
  const message = error ?? asset?.error?.message;
  if (message) {
    const text = document.createElement('p');
    text.className = 'error';
    text.textContent = message;
    item.append(text);
  }
  results.append(item);
}

const uppy = new Uppy({ autoProceed: false }).use(Dashboard, {
  inline: true,
  target: '#uppy',
  height: 420,
  width: '100%',
  proudlyDisplayPoweredByUppy: false,
});
uppy.use(
  AwsS3,
  darkroomUppy(uppy, client, {
    onComplete: (file, asset) => {
      client.waitUntilReady(asset.id).then(
        (final) => show(file.name ?? asset.filename, final),
        (error: unknown) => show(file.name ?? asset.filename, undefined, error instanceof DarkroomError ? error.message : String(error)),
      );
    },
  }),
);

uppy.on('upload-progress', (file, progress) => {
  if (!file?.name || !progress.bytesTotal) return;
  const seen = window.uppyProgress[file.name] ?? [];
  window.uppyProgress[file.name] = seen;
  seen.push(Math.floor((Number(progress.bytesUploaded) / progress.bytesTotal) * 100));
});
uppy.on('upload-error', (file, error) => show(file?.name ?? '?', undefined, error.message));
