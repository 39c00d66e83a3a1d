// One HLS ladder through Darkroom's media function, as the worker renders it: probe (limits), then
// renderHlsLadder (one ffmpeg, measured playlists). Run by bench/streaming.ts: `node bench/streaming-ladder.mjs <input> <outDir> <threads>`.
import { probeVideo, renderHlsLadder } from '@darkroom/media';

const [input, outputDir, threads] = process.argv.slice(2);
const probe = await probeVideo(input, { maxDurationSeconds: 6 * 3600, maxPixels: 4096 * 2160 });
const spec = { width: 1920, height: 1080, quality: 70, segmentSeconds: 4 };
const ladder = await renderHlsLadder(input, probe, spec, { outputDir, threads: Number(threads), timeoutMs: 3600_000 });
console.log(JSON.stringify(ladder.rungs.map((r) => `${r.width}x${r.height}`)));
