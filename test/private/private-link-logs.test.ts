import { readFile } from 'node:fs/promises';
import type { Asset } from '@darkroom/client';
import { MASKED_SIGNATURE } from '@darkroom/core/mask-private-links';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDelivery, type SpawnedDelivery } from '../support/delivery.js';
import { fixture } from '../support/images.js';
import { requestAsSent } from '../support/private-urls.js';
import { freePort, spawnApi, type ApiProcess } from '../support/services.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

/**
 * A private link is a bearer credential until its `exp`, so no log line carries its signature
 * (docs/security.md#secrets): the real delivery process, logging every request at `info`, is sent
 * a private link's every kind of request (answered, refused, malformed, encoded), and its whole
 * output is read once it has stopped; so is an API process's, sent a `/p/` URL by mistake. The
 * masked form must be there, so the test cannot pass by logging nothing.
 */
const harness = setupHarness();
const t = setupTenant(harness, 'private-link-logs');
let asset: Asset;
let delivery: SpawnedDelivery | undefined;
let api: ApiProcess | undefined;

beforeAll(async () => {
  const jpeg = new Uint8Array(await readFile(fixture('320x240.jpg')));
  const { asset: started } = await t.client.uploadAndComplete(jpeg, { filename: 'l.jpg', contentType: 'image/jpeg', visibility: 'private' });
  asset = await t.client.waitForAsset(started.id);
  expect(asset).toMatchObject({ status: 'ready', visibility: 'private' });
  delivery = await spawnDelivery(harness, await freePort(), { LOG_LEVEL: 'info' }, { output: true });
}, 120_000);
afterAll(async () => {
  await delivery?.close();
  await api?.stop();
});

/** The asset's token as the API handed it out: `exp`, `sig`, and a variant's `rest`. */
function token() {
  const url = asset.variants[0]!.url;
  const [exp, sig, , ...rest] = url.slice(`${harness.api.config.deliveryBaseUrl}/p/`.length).split('/');
  return { exp: exp!, sig: sig!, rest: rest.join('/') };
}

/** How many times `text` holds `part`. */
const count = (text: string, part: string) => text.split(part).length - 1;

describe('a private link in the logs', () => {
  it('never shows its signature in the delivery process’s output, masked in every request line', async () => {
    const { exp, sig, rest } = token();
    const base = `${delivery!.baseUrl}/p/${exp}/${sig}/${asset.id}`;
    const masked = `/p/${exp}/${MASKED_SIGNATURE}/${asset.id}/`;
    const whole = await requestAsSent(`${base}/${rest}`);
    expect(whole.status).toBe(200);
    const answers = [
      whole,
      await requestAsSent(`${base}/${rest}`, { range: 'bytes=0-9' }),
      await requestAsSent(`${base}/${rest}`, {}, 'HEAD'),
      await requestAsSent(`${base}/${rest}`, { 'if-none-match': whole.headers.get('etag')! }),
      await requestAsSent(`${base}/${rest}?download=1`, { referer: `https://app.example${new URL(base).pathname}/${rest}` }),
      await requestAsSent(`${base}/img/1/w_64,f_webp`),
      await requestAsSent(`${base}/img/1/w_333`),
      await requestAsSent(`${base}/no-such-file.webp`),
      await requestAsSent(`${base}/${rest}`, {}, 'OPTIONS'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 206, 200, 304, 200, 200, 403, 404, 204]);
    // Sent malformed, each still carries the real signature: a doubled slash, a character too many, the path encoded.
    const malformed = [
      `${delivery!.baseUrl}/p/${exp}//${sig}/${asset.id}/${rest}`,
      `${delivery!.baseUrl}/p/${exp}/${sig}x/${asset.id}/${rest}`,
      `${delivery!.baseUrl}/p%2F${exp}%2F${sig}%2F${asset.id}%2F${rest}`,
    ];
    for (const url of malformed) expect((await requestAsSent(url)).status, url).toBeGreaterThanOrEqual(400);
    const metrics = await requestAsSent(`${delivery!.baseUrl}/metrics`);
    expect([metrics.status, metrics.body.toString().includes(sig)]).toEqual([200, false]);

    // Stopped, the process has written every line it buffered.
    await delivery!.close();
    const output = delivery!.output();
    expect(output).not.toContain(sig);
    expect(count(output, masked), output).toBeGreaterThanOrEqual(answers.length + 2);
    expect(output).toContain(`/p%2F${exp}%2F${MASKED_SIGNATURE}%2F${asset.id}%2F`);
  });

  it('never shows it in the API’s output either, for a /p/ URL sent to the API by mistake', async () => {
    const { exp, sig, rest } = token();
    api = await spawnApi({ QUEUE_PREFIX: harness.prefix });
    const misdirected = await requestAsSent(`${api.baseUrl}/p/${exp}/${sig}/${asset.id}/${rest}`);
    expect(misdirected.status).toBe(404);
    await api.stop();
    const output = api.output();
    expect(output).not.toContain(sig);
    expect(output).toContain(`/p/${exp}/${MASKED_SIGNATURE}/${asset.id}/${rest}`);
  });
});
