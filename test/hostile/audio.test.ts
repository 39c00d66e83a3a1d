import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { audioFile, type AudioName } from '../../packages/media/src/audio/test-audio.js';
import type { TestApi } from '../support/client.js';
import { expectRefusal } from '../support/hostile.js';
import { setupHarness } from '../support/setup-harness.js';

/**
 * Hostile audio through the real API and bucket: `complete` refuses each with its own code and a
 * sentence of our own (no word of ffprobe's, no URL), the upload stays unconfirmed (its checked copy
 * deleted), and the API goes on answering.
 */
const harness = setupHarness({ withWorker: false });
let client: TestApi;

beforeAll(async () => {
  const created = await harness.admin.createTenant('hostile-audio');
  client = harness.admin.withToken(created.apiKey);
});

/** ffprobe's own vocabulary, and what a presigned URL is made of: none of it may reach a tenant. */
const FFPROBE_WORDS = /ffmpeg|ffprobe|Invalid data|\[mp3|\[wav|X-Amz|https?:\/\/|\/tmp\/|darkroom-/i;

async function complete(name: AudioName, contentType: string) {
  const bytes = new Uint8Array(await readFile(await audioFile(name)));
  const { asset } = await client.upload(bytes, { filename: name, contentType });
  return { asset, res: await client.request('POST', `/v1/uploads/${asset.id}/complete`, {}) };
}

describe('hostile audio at complete', () => {
  it('an MP3 that is text: 415 content_mismatch, as any bytes of another kind', async () => {
    const { asset, res } = await complete('text.mp3', 'audio/mpeg');
    expectRefusal(harness, res, 415, 'content_mismatch');
    expect((await client.request('GET', `/v1/assets/${asset.id}`)).body.status).toBe('awaiting_upload');
  });

  it('zero-length audio is refused as any empty upload is', async () => {
    const res = await client.request('POST', '/v1/uploads', { filename: 'empty.mp3', contentType: 'audio/mpeg', size: 0 });
    expectRefusal(harness, res, 400, 'invalid_request');
  });

  it.each<[AudioName, string, string, RegExp]>([
    ['seven-hours.mp3', 'audio/mpeg', 'audio_too_long', /7:00:00 long, more than the limit of 6:00:00/],
    ['claims-4gb.wav', 'audio/wav', 'corrupt_audio', /damaged, incomplete/],
    ['zero-duration.mp3', 'audio/mpeg', 'corrupt_audio', /damaged, incomplete/],
    ['truncated.m4a', 'audio/mp4', 'corrupt_audio', /damaged, incomplete/],
    ['no-sound.m4a', 'audio/mp4', 'corrupt_audio', /has no sound/],
    ['adpcm.wav', 'audio/wav', 'unsupported_codec', /Export it as MP3/],
  ])('%s (%s): 422 %s, in words of our own', async (name, contentType, code, sentence) => {
    const { asset, res } = await complete(name, contentType);
    expectRefusal(harness, res, 422, code);
    expect(res.body.error?.message).toMatch(sentence);
    expect(JSON.stringify(res.body)).not.toMatch(FFPROBE_WORDS);
    const after = (await client.request('GET', `/v1/assets/${asset.id}`)).body;
    expect(after).toMatchObject({ status: 'awaiting_upload', duration: null, audio: null });
  });

  it('ten minutes under a header stating one second are taken as stated: complete never reads the whole file', async () => {
    // The worker's probe, on its own copy, times them by their packets (probe.test.ts).
    for (const [name, contentType] of [
      ['chained-short-last.ogg', 'audio/ogg'],
      ['header-short.m4a', 'audio/mp4'],
    ] as const) {
      const { res } = await complete(name, contentType);
      expect(res.status, name).toBe(202);
      expect(res.body.asset.duration, name).toBeLessThan(2);
    }
  });

  it('the API keeps answering: a good file completes after all of them', async () => {
    const bytes = new Uint8Array(await readFile(await audioFile('tone.mp3')));
    const { asset } = await client.uploadAndComplete(bytes, { filename: 'ok.mp3', contentType: 'audio/mpeg' });
    expect(asset).toMatchObject({ status: 'queued', kind: 'audio', audio: { codec: 'mp3' } });
  });
});
