import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_POLICY } from './delivery.js';
import { deliveryMarkup, markupWidths } from './delivery-markup.js';

const asset = { id: 'a1', revision: 2, width: 1000, height: 800, crop: null, hasAlpha: false };

describe('deliveryMarkup', () => {
  it('lists the policy widths not above the image, f_auto in srcset, explicit formats in sources', () => {
    const markup = deliveryMarkup(asset, DEFAULT_DELIVERY_POLICY, 'https://img.example.com/');
    expect(markup.base).toBe('https://img.example.com/img/a1/2');
    expect(markup.srcset.split(', ').map((s) => s.split(' ')[1])).toEqual([
      '16w',
      '32w',
      '48w',
      '64w',
      '96w',
      '128w',
      '256w',
      '384w',
      '640w',
      '750w',
      '828w',
    ]);
    expect(markup.src).toBe('https://img.example.com/img/a1/2/w_828,f_jpeg');
    expect(markup.sources.map((s) => s.type)).toEqual(['image/avif', 'image/webp']);
    expect(markup.sources[0]?.srcset).toContain('/w_640,f_avif 640w');
  });

  it('measures the crop, falls back to the smallest width, and leaves AVIF out when the policy does', () => {
    expect(markupWidths(DEFAULT_DELIVERY_POLICY, 10)).toEqual([16]);
    const cropped = { ...asset, crop: { x: 0, y: 0, width: 100, height: 100 }, hasAlpha: true };
    const markup = deliveryMarkup(cropped, { ...DEFAULT_DELIVERY_POLICY, avif: false }, 'http://h');
    expect(markup.src).toBe('http://h/img/a1/2/w_96,f_png');
    expect(markup.sources.map((s) => s.type)).toEqual(['image/webp']);
  });
});
