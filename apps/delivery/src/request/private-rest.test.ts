import { describe, expect, it } from 'vitest';
import { parsePrivateRest } from './private-rest.js';

const asset = { tenantId: 't0', id: 'a0' };

describe('parsePrivateRest', () => {
  it('names a variant, a stream file or a storyboard below the asset', () => {
    expect(parsePrivateRest('r1/e0ea2c2af5c3.webp', asset)).toEqual({ kind: 'object', key: 'variants/t0/a0/r1/e0ea2c2af5c3.webp' });
    expect(parsePrivateRest('stream-074fe725f10c/master.m3u8', asset)).toEqual({
      kind: 'object',
      key: 'variants/t0/a0/stream-074fe725f10c/master.m3u8',
    });
    expect(parsePrivateRest('stream-074fe725f10c/v0/seg_00001.m4s', asset)).toMatchObject({
      key: 'variants/t0/a0/stream-074fe725f10c/v0/seg_00001.m4s',
    });
  });

  it('names an image on request, signed or not', () => {
    expect(parsePrivateRest('img/2/w_640,f_auto,dpr_1.5', asset)).toEqual({
      kind: 'image',
      revision: '2',
      options: 'w_640,f_auto,dpr_1.5',
      signature: undefined,
    });
    expect(parsePrivateRest('img/2/w_640/abcdefghijklmnopqrstuv', asset)).toMatchObject({ signature: 'abcdefghijklmnopqrstuv' });
    expect(parsePrivateRest('img/2', asset)).toBeNull();
    expect(parsePrivateRest('img/2/w_640/sig/more', asset)).toBeNull();
  });

  it('names nothing outside the asset: dot segments, encodings, backslashes, empty segments', () => {
    for (const rest of [
      '..',
      '../a1/r1/x.webp',
      'r1/../../a1/x',
      '%2e%2e/x',
      'r1%2fx.webp',
      'r1\\x.webp',
      '/r1/x',
      'r1//x',
      '',
      '.',
      'r1/./x',
      'x?y',
      'a/b/c/d/e/f/g/h/i',
    ]) {
      expect(parsePrivateRest(rest, asset), rest).toBeNull();
    }
  });
});
