import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_POLICY, DeliveryPolicy, DeliveryPolicyPatch, deliveryPolicyOf } from './delivery.js';
import { DELIVERY_TOKENS, serializeDeliveryOptions } from './delivery-grammar.js';
import { fitsDeliveryPolicy, parseDeliveryOptions, sameQuality } from './delivery-options.js';
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

/** A token refused as `invalid_request`, its message quoting it. */
function expectRefusedNaming(token: string): DarkroomError {
  const error = refusal(token);
  expect(error.code).toBe('invalid_request');
  expect(error.message).toContain(JSON.stringify(token));
  return error;
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
      expectRefusedNaming(token);
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

describe('the face tokens of a delivery URL', () => {
  it('reads g_face and g_faces as gravities', () => {
    expect(parseDeliveryOptions('w_64,h_64,c_cover,g_face').gravity).toBe('face');
    expect(parseDeliveryOptions('w_64,h_64,c_cover,g_faces').gravity).toBe('faces');
  });

  it('reads z_ from 0.1 to 10 with one decimal and no trailing zero', () => {
    for (const [value, zoom] of [
      ['0.1', 0.1],
      ['0.5', 0.5],
      ['1', 1],
      ['1.5', 1.5],
      ['2', 2],
      ['9.9', 9.9],
      ['10', 10],
    ] as const) {
      expect(parseDeliveryOptions(`z_${value}`).zoom).toBe(zoom);
    }
    for (const token of ['z_0', 'z_0.0', 'z_2.0', 'z_1.50', 'z_1.55', 'z_02', 'z_.5', 'z_10.1', 'z_11', 'z_-1', 'z_', 'z_1e1', 'z_1.']) {
      expect(expectRefusedNaming(token).details).toEqual({ option: token });
    }
  });

  it('reads e_blur-faces and e_pixelate-faces, with a strength from 1 to 100 or none', () => {
    expect(parseDeliveryOptions('e_blur-faces').effect).toEqual({ name: 'blur-faces' });
    expect(parseDeliveryOptions('e_pixelate-faces').effect).toEqual({ name: 'pixelate-faces' });
    expect(parseDeliveryOptions('e_blur-faces-60').effect).toEqual({ name: 'blur-faces', strength: 60 });
    expect(parseDeliveryOptions('e_pixelate-faces-1').effect).toEqual({ name: 'pixelate-faces', strength: 1 });
    expect(parseDeliveryOptions('e_pixelate-faces-100').effect).toEqual({ name: 'pixelate-faces', strength: 100 });
    for (const token of [
      'e_blur-faces-0',
      'e_blur-faces-101',
      'e_blur-faces-060',
      'e_blur-faces-',
      'e_blur-faces-1.5',
      'e_blur',
      'e_pixelate',
      'e_sepia',
      'e_',
      'e_blur-faces60',
      'e_BLUR-FACES',
    ]) {
      expectRefusedNaming(token);
    }
    expect(refusal('e_blur-faces,e_pixelate-faces').message).toContain('"e" is given twice');
  });

  it('writes z_ and e_ last, in the table order, and reads back what it wrote', () => {
    const values = { effect: { name: 'pixelate-faces', strength: 24 }, zoom: 1.5, gravity: 'face', fit: 'cover', height: 64, width: 64 } as const;
    const segment = serializeDeliveryOptions(values);
    expect(segment).toBe('w_64,h_64,c_cover,g_face,z_1.5,e_pixelate-faces-24');
    expect(parseDeliveryOptions(segment)).toEqual({ ...values, format: 'auto' });
    expect(serializeDeliveryOptions({ zoom: 2, effect: { name: 'blur-faces' } })).toBe('z_2,e_blur-faces');
    expect(DELIVERY_TOKENS.zoom.serialize(0.1)).toBe('0.1');
  });
});

describe('face options and the delivery policy', () => {
  const fits = (segment: string, policy = DEFAULT_DELIVERY_POLICY) => fitsDeliveryPolicy(parseDeliveryOptions(segment), policy);

  it('lets g_face and g_faces through unsigned, as g_auto', () => {
    expect(fits('w_640,h_640,c_cover,g_face')).toBe(true);
    expect(fits('w_640,h_360,c_cover,g_faces')).toBe(true);
  });

  it('needs a signature for z_ and the effects, unless unsignedEffects allows them', () => {
    for (const segment of ['w_640,h_640,c_cover,g_face,z_2', 'w_640,e_blur-faces', 'w_640,e_pixelate-faces-24']) {
      expect(fits(segment)).toBe(false);
      expect(fits(segment, { ...DEFAULT_DELIVERY_POLICY, unsignedEffects: true })).toBe(true);
    }
    // unsignedEffects opens nothing else.
    expect(fits('w_641,e_blur-faces', { ...DEFAULT_DELIVERY_POLICY, unsignedEffects: true })).toBe(false);
  });

  it('defaults to signed effects and no enforced redaction, and validates both in a PATCH', () => {
    expect(deliveryPolicyOf(null)).toMatchObject({ unsignedEffects: false, enforceFaceRedaction: null });
    expect(deliveryPolicyOf({ enforceFaceRedaction: 'pixelate' }).enforceFaceRedaction).toBe('pixelate');
    for (const ok of [{ unsignedEffects: true }, { enforceFaceRedaction: 'blur' }, { enforceFaceRedaction: null }]) {
      expect(DeliveryPolicyPatch.safeParse(ok).success).toBe(true);
    }
    for (const bad of [{ unsignedEffects: 'yes' }, { enforceFaceRedaction: 'smudge' }, { enforceFaceRedaction: true }]) {
      expect(DeliveryPolicyPatch.safeParse(bad).success).toBe(false);
    }
  });
});

describe('q_auto', () => {
  it('reads each level as written and refuses other words', () => {
    for (const word of ['auto', 'auto-eco', 'auto-good', 'auto-best']) expect(parseDeliveryOptions(`w_640,q_${word}`).quality).toBe(word);
    for (const token of ['q_auto-max', 'q_Auto', 'q_auto-', 'q_auto:good', 'q_autogood', 'q_eco']) {
      const error = refusal(token);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toBe(
        `Option "${token}" is not a quality: a whole number from 1 to 100, or one of q_auto, q_auto-eco, q_auto-good, q_auto-best.`,
      );
    }
  });

  it('is allowed unsigned where the policy lists its level, q_auto and q_auto-good being one', () => {
    const policy = { ...DEFAULT_DELIVERY_POLICY, qualities: [75, 'auto' as const] };
    expect(fitsDeliveryPolicy(parseDeliveryOptions('w_640,q_auto'), policy)).toBe(true);
    expect(fitsDeliveryPolicy(parseDeliveryOptions('w_640,q_auto-good'), policy)).toBe(true);
    expect(fitsDeliveryPolicy(parseDeliveryOptions('w_640,q_auto-eco'), policy)).toBe(false);
    expect(fitsDeliveryPolicy(parseDeliveryOptions('w_640,q_auto'), DEFAULT_DELIVERY_POLICY)).toBe(false);
    expect(sameQuality('auto', 'auto-good')).toBe(true);
    expect(sameQuality('auto-best', 'auto-good')).toBe(false);
    expect(sameQuality(75, 75)).toBe(true);
  });

  it("takes the words in a policy's quality and qualities", () => {
    expect(DeliveryPolicy.parse({ ...DEFAULT_DELIVERY_POLICY, quality: 'auto-eco', qualities: ['auto', 80] }).quality).toBe('auto-eco');
    expect(DeliveryPolicy.safeParse({ ...DEFAULT_DELIVERY_POLICY, quality: 'auto-max' }).success).toBe(false);
  });
});
