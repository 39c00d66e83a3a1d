import { MASKED_SIGNATURE } from '@darkroom/core/mask-private-links';
import { signPrivateLink } from '@darkroom/core/delivery';
import { describe, expect, it } from 'vitest';
import { createDeliveryLogger } from './logger.js';

const assetId = '0190f5a2-7c1e-7000-8000-000000000001';
const exp = 1764000000;
const sig = signPrivateLink('dsk_0123456789abcdef0123456789abcdef', exp, assetId);
const link = `/p/${exp}/${sig}/${assetId}/r1/a.webp`;

describe('createDeliveryLogger', () => {
  it('masks a private link in every line it writes: a field, a message, an error’s message and stack', () => {
    const lines: string[] = [];
    const log = createDeliveryLogger('info', { write: (line: string) => lines.push(line) });
    log.info({ req: { method: 'GET', url: link, headers: { referer: `https://app.example${link}` } } }, 'incoming request');
    log.warn(`Reply was already sent, did you forget to "return reply" in the "${link}" (GET) route?`);
    log.error({ err: new Error(`failed while answering ${link}`) }, 'internal error');
    expect(lines).toHaveLength(3);
    const written = lines.join('');
    expect(written).not.toContain(sig);
    // Each mention of the link, the error's stack included, masked in place.
    expect(written.split(`/p/${exp}/${MASKED_SIGNATURE}/${assetId}/r1/a.webp`).length - 1).toBe(5);
  });
});
