import { describe, expect, it } from 'vitest';
import { signPrivateLink } from './delivery.js';
import { MASKED_SIGNATURE, maskPrivateLinks } from './mask-private-links.js';

const assetId = '0190f5a2-7c1e-7000-8000-000000000001';
const exp = 1764000000;
const sig = signPrivateLink('dsk_0123456789abcdef0123456789abcdef', exp, assetId);
const M = MASKED_SIGNATURE;

describe('maskPrivateLinks', () => {
  it('masks the signature of a link, its exp, asset id and rest kept', () => {
    expect(maskPrivateLinks(`/p/${exp}/${sig}/${assetId}/r1/e0ea2c2af5c3.webp`)).toBe(`/p/${exp}/${M}/${assetId}/r1/e0ea2c2af5c3.webp`);
    expect(maskPrivateLinks(`/p/${exp}/${sig}/${assetId}/img/1/w_100/${'a'.repeat(22)}`)).toBe(
      `/p/${exp}/${M}/${assetId}/img/1/w_100/${'a'.repeat(22)}`,
    );
  });

  it('masks every link wherever it is in a line: a JSON field, an absolute URL, a message, several at once', () => {
    const line = JSON.stringify({
      url: `/p/${exp}/${sig}/${assetId}/a.m3u8`,
      msg: `Reply was already sent, did you forget to "return reply" in the "/p/${exp}/${sig}/${assetId}/x" (GET) route?`,
      referer: `https://img.example.com/p/${exp}/${sig}/${assetId}/stream/master.m3u8?x=1`,
    });
    const masked = maskPrivateLinks(line);
    expect(masked).not.toContain(sig);
    expect(masked.split(`/p/${exp}/${M}/${assetId}/`)).toHaveLength(4);
    expect(JSON.parse(masked).referer).toBe(`https://img.example.com/p/${exp}/${M}/${assetId}/stream/master.m3u8?x=1`);
  });

  it('masks what a malformed link carries between /p/ and its asset id, and all of one without an asset id', () => {
    for (const [sent, shown] of [
      [`/p/${exp}//${sig}/${assetId}/a`, `/p/${exp}/${M}/${assetId}/a`],
      [`/p/${exp}/${sig}x/${assetId}/a`, `/p/${exp}/${M}/${assetId}/a`],
      [`/p//${exp}/${sig}/${assetId}/a`, `/p/${M}/${assetId}/a`],
      [`/p/0${exp}/${sig}/${assetId}/a`, `/p/${M}/${assetId}/a`],
      [`/p/${exp}/${sig}`, `/p/${exp}/${M}`],
      [`/p/${exp}/${sig}/${assetId.toUpperCase()}/a`, `/p/${exp}/${M}`],
      [`%2Fp%2F${exp}%2F${sig}%2F${assetId}%2Fa`, `%2Fp%2F${exp}%2F${M}%2F${assetId}%2Fa`],
      [`/p%2f${exp}/${sig}/${assetId}`, `/p%2f${exp}/${M}/${assetId}`],
    ]) {
      expect(maskPrivateLinks(sent!), sent).toBe(shown);
    }
  });

  it('leaves other text as it is, and a masked line as it was', () => {
    for (const text of ['/img/a/1/w_100', '/healthz', `/p/${exp}/${assetId}/a`, '/p/', 'up/down', '']) expect(maskPrivateLinks(text)).toBe(text);
    const once = maskPrivateLinks(`/p/${exp}/${sig}/${assetId}/a`);
    expect(maskPrivateLinks(once)).toBe(once);
  });
});
