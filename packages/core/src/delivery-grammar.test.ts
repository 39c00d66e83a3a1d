import { describe, expect, it } from 'vitest';
import {
  AUTO_QUALITIES,
  autoQualityLevel,
  DELIVERY_OPTION_DEFAULTS,
  DELIVERY_TOKENS,
  deliveryFieldOf,
  serializeDeliveryOptions,
} from './delivery-grammar.js';
import { MAX_DELIVERY_DIMENSION } from './limits.js';
import { parseDeliveryOptions } from './delivery-options.js';

describe('the delivery-URL token table', () => {
  it('gives each field one prefix, and finds the field again by it', () => {
    const prefixes = Object.values(DELIVERY_TOKENS).map((token) => token.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const [field, token] of Object.entries(DELIVERY_TOKENS)) expect(deliveryFieldOf(token.prefix)).toBe(field);
    expect(deliveryFieldOf('x')).toBeUndefined();
    expect(deliveryFieldOf('__proto__')).toBeUndefined();
  });

  it('bounds w and h by MAX_DELIVERY_DIMENSION, and reads one spelling of each value', () => {
    expect([DELIVERY_TOKENS.width.max, DELIVERY_TOKENS.height.max]).toEqual([MAX_DELIVERY_DIMENSION, MAX_DELIVERY_DIMENSION]);
    expect(DELIVERY_TOKENS.width.parse(String(MAX_DELIVERY_DIMENSION))).toBe(MAX_DELIVERY_DIMENSION);
    for (const refused of ['0', '0640', '1.5', '', String(MAX_DELIVERY_DIMENSION + 1)]) expect(DELIVERY_TOKENS.width.parse(refused)).toBeUndefined();
    expect(DELIVERY_TOKENS.dpr.parse('1.5')).toBe(1.5);
    expect(DELIVERY_TOKENS.dpr.parse('1.0')).toBeUndefined();
    expect(DELIVERY_TOKENS.fit.parse('cover')).toBe('cover');
  });

  it('writes the fields in the table order, and reads back what it wrote', () => {
    const values = { dpr: 2, format: 'webp', quality: 80, gravity: 'auto', fit: 'cover', height: 480, width: 640 } as const;
    const segment = serializeDeliveryOptions(values);
    expect(segment).toBe('w_640,h_480,c_cover,g_auto,q_80,f_webp,dpr_2');
    expect(parseDeliveryOptions(segment)).toEqual(values);
  });

  it('writes and reads q_auto words as they are spelt, each naming its level', () => {
    for (const word of AUTO_QUALITIES) {
      const segment = serializeDeliveryOptions({ width: 640, quality: word, format: 'auto' });
      expect(segment).toBe(`w_640,q_${word},f_auto`);
      expect(parseDeliveryOptions(segment).quality).toBe(word);
    }
    expect(AUTO_QUALITIES.map(autoQualityLevel)).toEqual(['good', 'eco', 'good', 'best']);
    expect(autoQualityLevel(75)).toBeUndefined();
  });

  it('leaves out what is undefined, and with omitDefaults what a URL need not say', () => {
    expect(serializeDeliveryOptions({ width: 640, height: undefined })).toBe('w_640');
    expect(serializeDeliveryOptions({ ...DELIVERY_OPTION_DEFAULTS, width: 640 })).toBe('w_640,c_inside,g_focus,f_auto');
    expect(serializeDeliveryOptions({ ...DELIVERY_OPTION_DEFAULTS, width: 640 }, { omitDefaults: true })).toBe('w_640');
    expect(serializeDeliveryOptions({})).toBe('');
  });
});
