import sharp from 'sharp';
import { PRESETS } from '@darkroom/core';
import { probeImage } from './src/media/probe.js';
import { decodeStill, renderFromPixels } from './src/media/render.js';
sharp.cache(false);
console.log('concurrency', sharp.concurrency());
const opts = { maxInputPixels: 1e8 };
for (const f of ['jolla.jpg', 'HMD_Nokia_8.3_5G.jpg']) {
  const path = '/work/main/fixtures/images/' + f;
  const probe = await probeImage(path, opts);
  for (let i = 0; i < 3; i++) {
    let t = performance.now();
    const px = await decodeStill(path, probe, PRESETS.default!.variants, opts);
    const tDecode = performance.now() - t;
    const per: string[] = [];
    for (const spec of PRESETS.default!.variants) {
      t = performance.now();
      await renderFromPixels(px, probe, [spec], opts);
      per.push(`${spec.name}=${(performance.now() - t).toFixed(0)}`);
    }
    const full = performance.now(); await sharp(path).raw().toBuffer(); const tFull = performance.now() - full;
    const half = performance.now(); await sharp(path).resize(Math.round(probe.width/2)).raw().toBuffer(); const tHalf = performance.now() - half;
    const eighth = performance.now(); await sharp(path).resize(Math.round(probe.width/8)).raw().toBuffer(); const t8 = performance.now() - eighth;
    console.log(f, `decodeStill=${tDecode.toFixed(0)} (${px.width}x${px.height})`, per.join(' '), `fullDecodeRaw=${tFull.toFixed(0)} halfDecode=${tHalf.toFixed(0)} eighth=${t8.toFixed(0)}`);
  }
}
