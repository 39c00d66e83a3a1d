import { DarkroomError } from '@darkroom/core/errors';
import { SNIFF_BYTES } from '@darkroom/core/content-types';
import { AUDIO_HEAD_BYTES } from '@darkroom/media';
import { describe, expect, it } from 'vitest';
import { checkDeclared, headLengthOf, typeOfHead } from './bytes.js';

/** A PNG's signature: enough for the type check, which reads the magic bytes alone. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const limits = { maxBytes: 1000, accepted: ['image/png'] };

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof DarkroomError ? error.code : error;
  }
  return null;
};

describe('typeOfHead', () => {
  it('answers the type the first bytes prove, with or without a size', () => {
    expect(typeOfHead(PNG, 500, limits)).toBe('image/png');
    expect(typeOfHead(PNG, null, limits)).toBe('image/png');
  });

  it('refuses no bytes, an unknown type, a type the tenant does not take, and a size past its limit', () => {
    expect(codeOf(() => typeOfHead(new Uint8Array(0), 0, limits))).toBe('empty_file');
    expect(codeOf(() => typeOfHead(new Uint8Array(16), 16, limits))).toBe('unsupported_media_type');
    expect(codeOf(() => typeOfHead(PNG, 500, { ...limits, accepted: ['image/jpeg'] }))).toBe('unsupported_media_type');
    expect(codeOf(() => typeOfHead(PNG, 1001, limits))).toBe('file_too_large');
  });
});

describe('checkDeclared', () => {
  it('passes a copy of the declared size and type, and refuses another size or another type', () => {
    expect(codeOf(() => checkDeclared({ size: 16, contentType: 'image/png' }, { size: 16, bytes: PNG }))).toBeNull();
    expect(codeOf(() => checkDeclared({ size: 17, contentType: 'image/png' }, { size: 16, bytes: PNG }))).toBe('size_mismatch');
    expect(codeOf(() => checkDeclared({ size: 16, contentType: 'image/jpeg' }, { size: 16, bytes: PNG }))).toBe('content_mismatch');
  });
});

describe('headLengthOf', () => {
  it('reads more of an audio file (its probe) than of any other', () => {
    expect(headLengthOf('audio/mpeg')).toBe(AUDIO_HEAD_BYTES);
    expect(headLengthOf('image/png')).toBe(SNIFF_BYTES);
  });
});
