import { DEFAULT_DELIVERY_POLICY } from '@darkroom/core/delivery';
import { parseDeliveryOptions } from '@darkroom/core/delivery-options';
import type { DeliveryFormat } from '@darkroom/core/delivery-grammar';
import { describe, expect, it } from 'vitest';
import type { DeliveryAsset } from '../stores/catalog.js';
import { chooseFormat, needsFacts, parseAccept } from './negotiate.js';
import { planRender } from './plan.js';

const asset: DeliveryAsset = {
  id: '01920000-0000-7000-8000-000000000001',
  tenantId: '01920000-0000-7000-8000-00000000000a',
  kind: 'image',
  originalKey: 'originals/t/a',
  width: 4000,
  height: 3000,
  format: 'jpeg',
  revision: 3,
  focus: null,
  crop: null,
  faces: null,
  hasAlpha: false,
  visibility: 'public',
  objectsVisibility: 'public',
};

const plan = (options: string, format: DeliveryFormat = 'webp', on: DeliveryAsset = asset, policy = DEFAULT_DELIVERY_POLICY) =>
  planRender(on, parseDeliveryOptions(options), policy, format);

describe('planRender', () => {
  it('states every default in one order: the same transform written otherwise is one key', () => {
    const canonical = plan('w_640').canonical;
    expect(canonical).toBe('w_640,h_480,q_75');
    for (const same of ['q_75,w_640', 'w_640,c_inside', 'c_inside,g_auto,w_640', 'w_640,h_480', 'w_320,dpr_2', 'w_640,f_webp', 'h_480']) {
      expect(plan(same).canonical, same).toBe(canonical);
    }
    expect(plan('w_640').key).toBe(`delivery/${asset.tenantId}/${asset.id}/r3/w_640,h_480,q_75.webp`);
    // A private asset's renders are kept where its other objects are: never in the public bucket.
    const hidden = { ...asset, visibility: 'private' as const, objectsVisibility: 'private' as const };
    expect(plan('w_640', 'webp', hidden).key).toBe(`private/delivery/${asset.tenantId}/${asset.id}/r3/w_640,h_480,q_75.webp`);
    expect(plan('w_640,q_80').canonical).toBe('w_640,h_480,q_80');
  });

  it("takes the tenant's quality when none is given, and none for PNG and GIF", () => {
    expect(plan('w_640', 'webp', asset, { ...DEFAULT_DELIVERY_POLICY, quality: 60 }).render.quality).toBe(60);
    expect(plan('w_640', 'png').canonical).toBe('w_640,h_480');
    expect(plan('w_640,q_10', 'gif').canonical).toBe('w_640,h_480');
  });

  it('keys q_auto and q_auto-good as one render, each other level apart, and the policy default too', () => {
    expect(plan('w_640,q_auto').canonical).toBe('w_640,h_480,q_auto-good');
    expect(plan('w_640,q_auto-good').key).toBe(plan('w_640,q_auto').key);
    expect(plan('w_640,q_auto-eco').canonical).toBe('w_640,h_480,q_auto-eco');
    expect(plan('w_640,q_auto-best').render.quality).toBe('auto-best');
    expect(plan('w_640', 'avif', asset, { ...DEFAULT_DELIVERY_POLICY, quality: 'auto' }).canonical).toBe('w_640,h_480,q_auto-good');
    expect(plan('w_640,q_auto', 'png').canonical).toBe('w_640,h_480');
  });

  it('never upscales: a box larger than the (cropped) original answers its size', () => {
    expect(plan('w_8192').canonical).toBe('w_4000,h_3000,q_75');
    expect(plan('w_3000,dpr_3').canonical).toBe('w_4000,h_3000,q_75');
    expect(plan('f_webp').render).toMatchObject({ width: 4000, height: 3000 });
    const cropped = { ...asset, crop: { x: 100, y: 100, width: 800, height: 400 } };
    expect(plan('w_1920', 'webp', cropped).render).toMatchObject({ width: 800, height: 400 });
    expect(plan('w_400', 'webp', cropped).render).toMatchObject({ width: 400, height: 200 });
  });

  it('fills a cover box exactly, and keeps its aspect at 1:1 when the original is too small', () => {
    expect(plan('w_640,h_640,c_cover').canonical).toBe('w_640,h_640,c_cover,g_center,q_75');
    expect(plan('w_5000,h_5000,c_cover').render).toMatchObject({ width: 3000, height: 3000 });
    expect(plan('w_640,h_640,c_cover,g_auto').canonical).toBe('w_640,h_640,c_cover,g_auto,q_75');
  });

  it('crops around the focus only when there is one: g_focus without one is the centre', () => {
    expect(plan('w_640,h_640,c_cover,g_focus').canonical).toBe(plan('w_640,h_640,c_cover,g_center').canonical);
    const focused = { ...asset, focus: { x: 0.2, y: 0.3 } };
    expect(plan('w_640,h_640,c_cover', 'webp', focused).canonical).toBe('w_640,h_640,c_cover,g_focus,q_75');
    expect(plan('w_640,h_640,c_cover', 'webp', focused).render.focus).toEqual({ x: 0.2, y: 0.3 });
  });

  it('states z_ for a face crop alone, and the face effect wherever one applies', () => {
    const faces = [{ x: 0.4, y: 0.2, width: 0.1, height: 0.15, score: 0.9 }];
    const withFaces = { ...asset, faces };
    expect(plan('w_640,h_640,c_cover,g_face', 'webp', withFaces).canonical).toBe('w_640,h_640,c_cover,g_face,q_75,z_1');
    expect(plan('w_640,h_640,c_cover,g_faces,z_2', 'webp', withFaces).canonical).toBe('w_640,h_640,c_cover,g_faces,q_75,z_2');
    expect(plan('w_640,h_640,c_cover,g_auto,z_2').canonical).toBe('w_640,h_640,c_cover,g_auto,q_75');
    expect(plan('w_640,z_2').canonical).toBe('w_640,h_480,q_75');
    expect(plan('w_640,e_pixelate-faces-24').canonical).toBe('w_640,h_480,q_75,e_pixelate-faces-24');
    expect(plan('w_640,h_640,c_cover,g_face', 'webp', withFaces).render).toMatchObject({ gravity: 'face', zoom: 1, faces, effect: null });
  });

  it("covers the faces on every render the tenant's policy enforces it on, under a key of its own", () => {
    const enforced = { ...DEFAULT_DELIVERY_POLICY, enforceFaceRedaction: 'blur' as const };
    const plain = plan('w_640');
    const redacted = plan('w_640', 'webp', asset, enforced);
    expect(redacted.canonical).toBe('w_640,h_480,q_75,e_blur-faces');
    expect(redacted.key).not.toBe(plain.key);
    expect(redacted.render.effect).toEqual({ name: 'blur-faces' });
    // A URL naming an effect keeps its own: both cover the faces.
    expect(plan('w_640,e_pixelate-faces', 'webp', asset, enforced).render.effect).toEqual({ name: 'pixelate-faces' });
  });

  it('keys a render that depends on faces not known yet apart from the one made once they are', () => {
    const enforced = { ...DEFAULT_DELIVERY_POLICY, enforceFaceRedaction: 'blur' as const };
    const known = { ...asset, faces: [{ x: 0.4, y: 0.2, width: 0.1, height: 0.15, score: 0.9 }] };
    for (const [options, policy] of [
      ['w_640,e_pixelate-faces', DEFAULT_DELIVERY_POLICY],
      ['w_640,h_640,c_cover,g_face', DEFAULT_DELIVERY_POLICY],
      ['w_640', enforced],
    ] as const) {
      const unknown = plan(options, 'webp', asset, policy);
      const searched = plan(options, 'webp', known, policy);
      expect([unknown.facesUnknown, searched.facesUnknown]).toEqual([true, false]);
      expect(unknown.canonical).toBe(searched.canonical);
      expect(unknown.key).toContain('/r3/faces-unknown/');
      expect(searched.key).not.toContain('faces-unknown');
    }
    // Options that never read the faces are one render whether they are known or not.
    expect(plan('w_640,h_640,c_cover,g_auto')).toMatchObject({ facesUnknown: false, key: plan('w_640,h_640,c_cover,g_auto', 'webp', known).key });
  });

  it('renders g_face and g_faces with no known face in the crop as the g_auto they fall back to: one key, whatever the zoom', () => {
    const auto = (on: DeliveryAsset) => plan('w_640,h_640,c_cover,g_auto', 'webp', on);
    const none = { ...asset, faces: [] };
    // The one face is left of the crop: faceCropRegion finds none, and the attention crop decides.
    const outside = {
      ...asset,
      faces: [{ x: 0.05, y: 0.2, width: 0.1, height: 0.15, score: 0.9 }],
      crop: { x: 2000, y: 0, width: 2000, height: 3000 },
    };
    for (const on of [none, outside]) {
      for (const options of ['w_640,h_640,c_cover,g_face', 'w_640,h_640,c_cover,g_faces,z_2', 'g_face,z_0.5,h_640,c_cover,w_640']) {
        const planned = plan(options, 'webp', on);
        expect(planned.key, options).toBe(auto(on).key);
        expect(planned.render).toMatchObject({ gravity: 'auto', zoom: 1 });
      }
    }
    // A face inside the crop is cropped to, and faces not known yet are waited for apart.
    const inside = { ...outside, faces: [{ x: 0.6, y: 0.2, width: 0.1, height: 0.15, score: 0.9 }] };
    expect(plan('w_640,h_640,c_cover,g_face', 'webp', inside).canonical).toBe('w_640,h_640,c_cover,g_face,q_75,z_1');
    expect(plan('w_640,h_640,c_cover,g_face').facesUnknown).toBe(true);
  });
});

describe('format negotiation', () => {
  it('reads image/avif and image/webp from Accept, unless refused with q=0', () => {
    expect(parseAccept('image/avif,image/webp,image/apng,image/*,*/*;q=0.8')).toEqual({ avif: true, webp: true });
    expect(parseAccept('image/webp,*/*')).toEqual({ avif: false, webp: true });
    expect(parseAccept('IMAGE/AVIF;q=0.5')).toEqual({ avif: true, webp: false });
    expect(parseAccept('image/avif;q=0, image/webp;q=0.0')).toEqual({ avif: false, webp: false });
    expect(parseAccept('*/*')).toEqual({ avif: false, webp: false });
    expect(parseAccept(undefined)).toEqual({ avif: false, webp: false });
  });

  it('chooses AVIF, WebP, then PNG for transparency or JPEG; an animation WebP or GIF', () => {
    const still = { animated: false, hasAlpha: false };
    expect(chooseFormat({ avif: true, webp: true }, true, still)).toBe('avif');
    expect(chooseFormat({ avif: true, webp: true }, false, still)).toBe('webp');
    expect(chooseFormat({ avif: false, webp: false }, true, still)).toBe('jpeg');
    expect(chooseFormat({ avif: false, webp: false }, true, { animated: false, hasAlpha: true })).toBe('png');
    expect(chooseFormat({ avif: true, webp: true }, true, { animated: true, hasAlpha: true })).toBe('webp');
    expect(chooseFormat({ avif: true, webp: false }, true, { animated: true, hasAlpha: false })).toBe('gif');
  });

  it('reads the original only when its row cannot tell', () => {
    const browser = { avif: true, webp: true };
    expect(needsFacts(asset, browser, DEFAULT_DELIVERY_POLICY)).toBe(false);
    expect(needsFacts({ ...asset, format: 'gif' }, browser, DEFAULT_DELIVERY_POLICY)).toBe(true);
    expect(needsFacts({ ...asset, format: 'gif' }, { avif: false, webp: true }, DEFAULT_DELIVERY_POLICY)).toBe(false);
    expect(needsFacts({ ...asset, hasAlpha: null }, { avif: false, webp: false }, DEFAULT_DELIVERY_POLICY)).toBe(true);
    expect(needsFacts({ ...asset, kind: 'video', format: 'webm' }, { avif: false, webp: false }, DEFAULT_DELIVERY_POLICY)).toBe(false);
  });
});
