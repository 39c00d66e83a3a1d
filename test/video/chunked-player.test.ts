import { halveHlsChunks, planHlsChunks } from '@darkroom/media';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchProblems } from '../support/browser.js';
import { fetchLadder, saveRung } from '../support/hls.js';
import { startPlayerSite, type PlayerSite } from '../support/player-site.js';
import { writePresetsFile } from '../support/presets.js';
import { waitFor } from '../support/services.js';
import { screenshot } from '../support/upload-page.js';
import { twoRungClip, uploadVideo, waitForPlayable } from '../support/video.js';
import { rungTimeline, type RungTimeline } from '../../packages/media/src/video/test-hls-timeline.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A video rendered in chunks by the real worker (uploaded through the API, its ChunkRender parts
 * taken from the queue), played in Debian's Chromium by hls.js: early, while it is still processing,
 * from the interim master listing the lowest rung alone (briefly cached), by a viewer who stays on
 * that rung once it is ready; then every rung across every boundary of its parts (each piece's of
 * half a chunk, so each chunk's among them) without a stall (the boundary buffered without a gap, no
 * `waiting`, frames presented past it, no hls.js error); and its joined segments, read by ffprobe,
 * are one continuous timeline with the audio ending with the video.
 */
const SECONDS = 16;
const SEGMENT_SECONDS = 2;
const CHUNK_SECONDS = 4;
const CHUNKS = planHlsChunks(SECONDS, SEGMENT_SECONDS, CHUNK_SECONDS).length;
/** The pieces every rung is rendered in: each chunk halved. */
const PIECES = halveHlsChunks(planHlsChunks(SECONDS, SEGMENT_SECONDS, CHUNK_SECONDS), SEGMENT_SECONDS);
/** Where parts meet: every piece's start but the first, so every chunk's start among them. */
const BOUNDARIES = PIECES.slice(1).map((c) => c.startSeconds);
/** How far before a boundary a crossing starts and past it it must play. */
const LEAD_SECONDS = 0.6;
const PAST_SECONDS = 0.6;
const WAIT = { timeout: 60_000 };

const harness = setupHarness(async () => {
  const presets = await writePresetsFile({
    chunked: [{ name: 'stream', format: 'hls', width: 1920, height: 1080, quality: 60, segmentSeconds: SEGMENT_SECONDS }],
  });
  // One render slot: the chunks' parts run one by one, in their queue's order (lowest rungs and audio first).
  return { env: { PRESETS_FILE: presets, VIDEO_CHUNK_SECONDS: String(CHUNK_SECONDS), RENDER_CONCURRENCY: '1' } };
});
const tenant = setupTenant(harness, 'chunked-player');
let browser: Browser;
let site: PlayerSite;
/** The chunked video, uploaded once: the early viewer watches it render, the other tests read it ready. */
let assetId: string;

beforeAll(async () => {
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  site = await startPlayerSite(PAGE);
  // Two rungs (360 and 240 lines), cheap to encode, four chunks.
  assetId = (await uploadVideo(tenant.client, await twoRungClip(SECONDS), 'video/mp4', 'chunked')).asset.id;
}, 120_000);
afterAll(async () => {
  await harness?.worker?.chunkQueue.resume();
  await browser?.close();
  await site?.close();
});

/**
 * The page's player: `start` plays a master playlist locked on one rung (a small buffer ahead, so
 * segments are fetched as it plays), `cross` seeks a little before a boundary, waits until the
 * buffer reaches past it, plays past it and says what happened on the way.
 */
const PAGE = `<!doctype html><html><head><title>chunked</title><script src="/hls.min.js"></script><script>
window.start = (url, size, bufferSeconds) => {
  const video = document.getElementById('v');
  const hls = new Hls({ capLevelToPlayerSize: false, maxBufferLength: bufferSeconds, maxMaxBufferLength: bufferSeconds });
  const player = window.player = { hls, errors: [], waiting: [], frames: [] };
  hls.on(Hls.Events.ERROR, (_, data) =>
    player.errors.push({ details: data.details, fatal: data.fatal, fragment: data.frag && data.frag.sn, at: video.currentTime }));
  hls.on(Hls.Events.MANIFEST_PARSED, () => {
    const level = hls.levels.findIndex((l) => l.width + 'x' + l.height === size);
    hls.startLevel = level;
    hls.currentLevel = level;
  });
  video.addEventListener('waiting', () => player.waiting.push(video.currentTime));
  const presented = (_now, frame) => { player.frames.push(frame.mediaTime); video.requestVideoFrameCallback(presented); };
  video.requestVideoFrameCallback(presented);
  hls.loadSource(url);
  hls.attachMedia(video);
};
const until = (what, ready, ms) => new Promise((resolve, reject) => {
  const late = setTimeout(() => { clearInterval(poll); reject(new Error('timed out waiting for ' + what)); }, ms);
  const poll = setInterval(() => { if (ready()) { clearInterval(poll); clearTimeout(late); resolve(); } }, 20);
});
const bufferedAround = (video, t) => {
  for (let i = 0; i < video.buffered.length; i++)
    if (video.buffered.start(i) <= t && t < video.buffered.end(i)) return [video.buffered.start(i), video.buffered.end(i)];
  return null;
};
window.cross = async (boundary, lead, past, ms) => {
  const video = document.getElementById('v');
  const { player } = window;
  video.pause();
  const from = boundary - lead;
  video.currentTime = from;
  await until('the seek', () => !video.seeking, ms);
  await until('the buffer to reach past the boundary', () => (bufferedAround(video, from)?.[1] ?? 0) >= boundary + past, ms);
  const range = bufferedAround(video, from);
  const waiting = player.waiting.length;
  const frames = player.frames.length;
  await video.play();
  await until('playback past the boundary', () => video.currentTime >= boundary + past || video.error, ms);
  return {
    range,
    reached: video.currentTime,
    stalls: player.waiting.slice(waiting),
    presentedPast: player.frames.slice(frames).some((t) => t > boundary),
    error: video.error && video.error.code,
  };
};
</script></head>
<body style="margin:0;background:#222"><video id="v" muted playsinline width="640" height="360"></video>
<pre id="log" style="color:#eee;font:14px monospace;margin:8px"></pre></body></html>`;

declare const document: any;
declare const window: any;

interface Crossing {
  range: [number, number] | null;
  reached: number;
  stalls: number[];
  presentedPast: boolean;
  error: number | null;
}

/** A player page on its own origin, locked on the rung of `size`, once it has the video's metadata. */
async function openPlayer(url: string, size: string, bufferSeconds = 30): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 660, height: 460 } });
  const problems = watchProblems(page, () => false);
  await page.goto(`${site.origin}/`);
  await page.evaluate(([u, s, b]) => window.start(u, s, b), [url, size, bufferSeconds] as const);
  await page
    .waitForFunction(() => window.player.hls.currentLevel >= 0 && document.getElementById('v').readyState >= 1, undefined, WAIT)
    .catch(async (error: unknown) => {
      throw new Error(`the player did not load: ${JSON.stringify({ errors: await page.evaluate(() => window.player.errors), problems })}`, {
        cause: error,
      });
    });
  return { page, problems };
}

/** Plays across `boundary`: it was buffered in one range from before it to past it, playback went past it presenting frames, without `waiting`. */
async function expectSeamlessCrossing(page: Page, boundary: number): Promise<void> {
  const crossing: Crossing = await page.evaluate(([b, lead, past, ms]) => window.cross(b, lead, past, ms), [
    boundary,
    LEAD_SECONDS,
    PAST_SECONDS,
    WAIT.timeout,
  ] as const);
  const seen = JSON.stringify(crossing);
  expect(crossing.range, `one buffered range across ${boundary} s: ${seen}`).not.toBeNull();
  expect(crossing.range![0], seen).toBeLessThanOrEqual(boundary - LEAD_SECONDS);
  expect(crossing.range![1], seen).toBeGreaterThanOrEqual(boundary + PAST_SECONDS);
  expect(crossing.reached, seen).toBeGreaterThanOrEqual(boundary + PAST_SECONDS);
  expect({ stalls: crossing.stalls, presentedPast: crossing.presentedPast, error: crossing.error }, seen).toEqual({
    stalls: [],
    presentedPast: true,
    error: null,
  });
}

/**
 * Non-fatal hls.js errors a seek brings about in any ladder, a single render's too: a fragment's
 * load abandoned for the new position, and a fragment loaded again after it whose append adds no
 * buffered range (ffmpeg's HLS muxer cuts every stream of a segment at its keyframe's decode time,
 * so a segment's audio stops short of its last frames' presentation, which hls.js counts as the
 * fragment not wholly buffered and loads it again).
 */
const SEEK_ARTEFACTS: readonly string[] = ['aborted', 'bufferAppendNoProgress'];

interface PlayerError {
  details: string;
  fatal: boolean;
  fragment: number | null;
  at: number;
}

/** What the player shows: its rung's size, the video's, where it is, and every hls.js error so far but a seek's artefacts. */
async function playerState(page: Page) {
  const state = await page.evaluate(() => {
    const video = document.getElementById('v');
    const { hls, errors } = window.player;
    const level = hls.levels[hls.currentLevel];
    document.getElementById('log').textContent = `rung ${level.width}x${level.height} of ${hls.levels.length}, t=${video.currentTime.toFixed(2)} s`;
    return { levels: hls.levels.length, level: `${level.width}x${level.height}`, videoWidth: video.videoWidth, errors: errors as PlayerError[] };
  });
  return { ...state, errors: state.errors.filter((e) => e.fatal || !SEEK_ARTEFACTS.includes(e.details)) };
}

/** Pauses on a frame presented on screen, so that the screenshot shows it. */
async function pauseOnFrame(page: Page): Promise<void> {
  const count = await page.evaluate(() => window.player.frames.length);
  await page.evaluate(() => document.getElementById('v').play());
  await page.waitForFunction((n) => window.player.frames.length > n, count, WAIT);
  await page.evaluate(() => document.getElementById('v').pause());
}

const maxAgeOf = (cacheControl: string | null) => Number(/max-age=(\d+)/.exec(cacheControl ?? '')?.[1] ?? Number.NaN);

/** This asset's ChunkRender entries: which part of which chunk, and where each is in the queue. */
async function partStates(): Promise<{ part: string; chunk: number; state: string }[]> {
  const entries = await harness.worker!.chunkQueue.getJobs(['completed', 'failed', 'active', 'waiting', 'prioritized', 'delayed']);
  const ours = entries.filter((e) => e?.data.assetId === assetId);
  return Promise.all(ours.map(async (e) => ({ part: e.data.part, chunk: e.data.chunk, state: await e.getState() })));
}

/** Every chunk's lowest rung and the audio rendered, the other rungs' parts not all: the moment to hold them. */
async function lowestRendered(): Promise<boolean> {
  const states = await partStates();
  const first = states.filter((s) => s.part !== 'upper');
  return (
    first.length === PIECES.length + 1 &&
    first.every((s) => s.state === 'completed') &&
    states.some((s) => s.part === 'upper' && s.state !== 'completed')
  );
}

/** Runs `during` with the chunk queue paused (the parts in hand finish, no other starts), resuming it however `during` ends. */
async function holdingParts<T>(during: () => Promise<T>): Promise<T> {
  await harness.worker!.chunkQueue.pause();
  try {
    return await during();
  } finally {
    await harness.worker!.chunkQueue.resume();
  }
}

describe('a video rendered in chunks, in hls.js', () => {
  it('has several chunks, every rung in two pieces each', () => {
    expect(CHUNKS).toBeGreaterThanOrEqual(3);
    expect(PIECES).toHaveLength(2 * CHUNKS);
    expect(BOUNDARIES).toHaveLength(2 * CHUNKS - 1);
  });

  it('plays early from the interim master (lowest rung alone, max-age at most 10), and its viewer stays on that rung once it is ready', async () => {
    // Hold the other rungs' parts once the lowest rung's and the audio are rendered, so that the asset stays playable and processing while the viewer loads it.
    await waitFor('the lowest rung of every chunk and the audio to be rendered', lowestRendered, 120_000, 20).catch(async (error: unknown) => {
      throw new Error(`the lowest rung was not rendered, its parts: ${JSON.stringify(await partStates())}`, { cause: error });
    });
    const others = (await partStates()).filter((s) => s.part === 'upper').map((s) => s.chunk);
    expect(others.sort((a, b) => a - b)).toEqual(PIECES.map((p) => p.index));
    const { page, problems, masterUrl } = await holdingParts(async () => {
      const early = await waitForPlayable(tenant.client, assetId).catch(async (error: unknown) => {
        throw new Error(`not playable, its parts: ${JSON.stringify(await partStates())}`, { cause: error });
      });
      expect(early).toMatchObject({ status: 'processing', playable: true });
      expect(early.variants.map((v: any) => [v.name, v.renditions.map((r: any) => `${r.width}x${r.height}`)])).toEqual([['stream', ['426x240']]]);
      const masterUrl = early.variants[0]!.url!;
      const interim = await fetchLadder(masterUrl);
      expect(maxAgeOf(interim.master.headers.get('cache-control'))).toBeLessThanOrEqual(10);
      expect(interim.rungs.map((r) => r.attributes.RESOLUTION)).toEqual(['426x240']);

      // A small buffer ahead: the viewer fetches the rest of its rung after the asset is ready.
      const viewer = await openPlayer(masterUrl, '426x240', 2);
      await expectSeamlessCrossing(viewer.page, BOUNDARIES[0]!);
      expect(await playerState(viewer.page)).toEqual({ levels: 1, level: '426x240', videoWidth: 426, errors: [] });
      await screenshot(viewer.page, 'chunked-player-early');
      return { ...viewer, masterUrl };
    });

    const ready = await tenant.client.waitForAsset(assetId, 180_000);
    expect(ready).toMatchObject({ status: 'ready', playable: true });
    expect(ready.variants.find((v) => v.name === 'stream')!.url).toBe(masterUrl);
    const whole = await fetchLadder(masterUrl);
    expect(whole.master.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(whole.rungs.map((r) => r.attributes.RESOLUTION).sort()).toEqual(['426x240', '640x360']);

    for (const boundary of BOUNDARIES.slice(1)) await expectSeamlessCrossing(page, boundary);
    expect(await playerState(page)).toEqual({ levels: 1, level: '426x240', videoWidth: 426, errors: [] });
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it("plays every rung across every chunk boundary without a stall or an hls.js error beyond a seek's own", async () => {
    const ready = await tenant.client.waitForAsset(assetId, 180_000);
    const masterUrl = ready.variants.find((v) => v.name === 'stream')!.url!;
    for (const size of ['640x360', '426x240']) {
      const { page, problems } = await openPlayer(masterUrl, size);
      expect((await playerState(page)).level).toBe(size);
      for (const boundary of BOUNDARIES) await expectSeamlessCrossing(page, boundary);
      expect(await playerState(page)).toEqual({ levels: 2, level: size, videoWidth: Number(size.split('x')[0]), errors: [] });
      expect(problems).toEqual([]);
      await pauseOnFrame(page);
      await screenshot(page, `chunked-player-${size}`);
      await page.close();
    }
  }, 300_000);

  it('joins its chunks into one timeline in every rung: keyframes on the same segment starts, no frame missing or twice, audio ending with the video', async () => {
    const ready = await tenant.client.waitForAsset(assetId, 180_000);
    const { rungs } = await fetchLadder(ready.variants.find((v) => v.name === 'stream')!.url!);
    const timelines: RungTimeline[] = [];
    for (const rung of rungs) {
      const { dir, playlist } = await saveRung(rung);
      timelines.push(await rungTimeline(dir, playlist));
    }
    for (const rung of timelines) {
      const half = rung.frame / 2;
      expect(rung.segments.map((s) => s.listedSeconds).reduce((a, b) => a + b)).toBeCloseTo(SECONDS, 1);
      expect(rung.segments.every((s) => s.startsWithKeyframe)).toBe(true);
      for (const [i, segment] of rung.segments.entries())
        if (i > 0) expect(Math.abs(segment.videoStart - rung.segments[i - 1]!.videoEnd)).toBeLessThan(half);
      const steps = rung.framePts.slice(1).map((pts, i) => pts - rung.framePts[i]!);
      expect(Math.min(...steps)).toBeGreaterThan(half);
      expect(Math.max(...steps)).toBeLessThan(rung.frame + half);
      // The timeline starts where the encoder's reordering delay puts the first frame, in every rung alike.
      expect(rung.videoEnd - rung.framePts[0]!).toBeCloseTo(SECONDS, 1);
      expect(Math.abs(rung.audioEnd! - rung.videoEnd)).toBeLessThanOrEqual(rung.frame);
    }
    const starts = timelines.map((rung) => rung.segments.map((s) => (s.videoStart - rung.framePts[0]!).toFixed(2)));
    expect(starts[1]).toEqual(starts[0]);
    for (const boundary of BOUNDARIES) expect(starts[0]).toContain(boundary.toFixed(2));
    expect(timelines[1]!.framePts[0]).toBeCloseTo(timelines[0]!.framePts[0]!, 3);
  }, 120_000);
});
