import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_POLICY } from './delivery.js';
import { fitsDeliveryPolicy, parseDeliveryOptions } from './delivery-options.js';
import { DarkroomError } from './errors.js';

function refusal(segment: string): DarkroomError {
  try {
    parseDeliveryOptions(segment);
  } catch (error) {
    expect(error).toBeInstanceOf(DarkroomError);
    return error as DarkroomError;
  }
  throw new Error(`${segment} was accepted`);
}

describe('parseDeliveryOptions', () => {
  it('reads every token of the table, in any order, defaults for the rest', () => {
    expect(parseDeliveryOptions('w_640')).toEqual({ width: 640, fit: 'inside', gravity: 'focus', format: 'auto' });
    expect(parseDeliveryOptions('dpr_1.5,f_avif,q_80,g_auto,c_cover,h_480,w_640')).toEqual({
      width: 640,
      height: 480,
      fit: 'cover',
      gravity: 'auto',
      quality: 80,
      format: 'avif',
      dpr: 1.5,
    });
    expect(parseDeliveryOptions('h_1,w_8192,c_inside,g_center,q_1,f_png,dpr_3')).toMatchObject({ width: 8192, height: 1, quality: 1, dpr: 3 });
    for (const f of ['auto', 'avif', 'webp', 'jpeg', 'png']) expect(parseDeliveryOptions(`f_${f}`).format).toBe(f);
    for (const d of ['1', '1.5', '2', '3']) expect(parseDeliveryOptions(`dpr_${d}`).dpr).toBe(Number(d));
  });

  it('refuses values out of range, naming the token', () => {
    for (const token of [
      'w_0',
      'w_8193',
      'w_9000',
      'h_0',
      'q_0',
      'q_101',
      'w_-1',
      'w_1.5',
      'w_',
      'w_0640',
      'q_075',
      'w_1e3',
      'w_ 1',
      'w_99999999999',
    ]) {
      const error = refusal(token);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain(JSON.stringify(token));
    }
  });

  it('refuses unknown keys and words, and a key given twice', () => {
    for (const token of ['x_1', 'width_640', 'c_fill', 'g_north', 'f_gif', 'f_AUTO', 'W_640', 'dpr_4', 'dpr_1.0', 'dpr_2.0', '', 'w', 'w640']) {
      expect(refusal(token).message).toContain(JSON.stringify(token));
    }
    expect(refusal('w_640,w_640').message).toBe('Option "w" is given twice ("w_640"); give each at most once.');
    expect(refusal('w_640,q_75,h_1,q_80').message).toContain('"q" is given twice');
    expect(refusal('w_640,').code).toBe('invalid_request');
  });

  it('needs both w and h for c_cover', () => {
    expect(refusal('c_cover,w_100').message).toContain('c_cover');
    expect(refusal('c_cover,h_100').message).toContain('c_cover');
    expect(parseDeliveryOptions('c_cover,w_1,h_1').fit).toBe('cover');
  });

  it('quotes a long token only in part', () => {
    const error = refusal(`w_${'9'.repeat(5000)}`);
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('fitsDeliveryPolicy', () => {
  const fits = (segment: string, policy = DEFAULT_DELIVERY_POLICY) => fitsDeliveryPolicy(parseDeliveryOptions(segment), policy);

  it('takes a width of the policy with its qualities and aspect ratios', () => {
    expect(fits('w_640')).toBe(true);
    expect(fits('w_640,q_75,f_webp,c_inside,g_center')).toBe(true);
    expect(fits('w_640,h_640,c_cover')).toBe(true); // 1:1
    expect(fits('w_640,h_480')).toBe(true); // 4:3
    expect(fits('w_640,h_360')).toBe(true); // 16:9
    expect(fits('w_750,h_1000')).toBe(true); // 3:4
    expect(fits('w_16,h_9')).toBe(true); // 16:9 of 16
  });

  it('refuses what the policy does not list', () => {
    expect(fits('h_480')).toBe(false); // no w
    expect(fits('f_webp')).toBe(false);
    expect(fits('w_641')).toBe(false);
    expect(fits('w_640,q_80')).toBe(false);
    expect(fits('w_640,h_500')).toBe(false);
    expect(fits('w_640,dpr_1')).toBe(false);
    expect(fits('w_640,dpr_2')).toBe(false);
  });

  it("follows the tenant's own policy", () => {
    const policy = { ...DEFAULT_DELIVERY_POLICY, widths: [300], qualities: [50, 90], aspectRatios: ['2:1'] };
    expect(fits('w_300,q_90,h_150', policy)).toBe(true);
    expect(fits('w_640', policy)).toBe(false);
    expect(fits('w_300,q_75', policy)).toBe(false);
    expect(fits('w_300,h_300', policy)).toBe(false);
  });
});
