import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { probeImage } from './probe.js';
import { SVG_IMAGE, fixture, tempDir } from './test-fixtures.js';

/** Every input sharp is handed in this file: the gate must refuse the files below before any reaches it. */
const sharpInputs = vi.hoisted(() => [] as unknown[]);
vi.mock('sharp', async (importOriginal) => {
  const real = ((await importOriginal()) as { default: (...args: unknown[]) => unknown }).default;
  const spy = new Proxy(real, {
    apply(target, thisArg, args: unknown[]) {
      sharpInputs.push(args[0]);
      return Reflect.apply(target, thisArg, args);
    },
  });
  return { default: spy };
});

const LIMIT = { maxInputPixels: 100_000_000 };
const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1');

async function refusal(input: string | Buffer): Promise<BadMediaError> {
  const error = await probeImage(input, LIMIT).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadMediaError);
  return error as BadMediaError;
}

describe('probeImage checks magic bytes before libvips parses anything', () => {
  beforeEach(() => {
    sharpInputs.length = 0;
  });

  it('refuses an SVG (buffer and file, with an XML prolog) as unsupported_format without calling sharp', async () => {
    const path = join(await tempDir(), 'drawing.jpg');
    await writeFile(path, Buffer.concat([Buffer.from('<?xml version="1.0"?>\n<!DOCTYPE svg>\n'), SVG_IMAGE]));
    for (const input of [SVG_IMAGE, path]) {
      const error = await refusal(input);
      expect(error).toMatchObject({ code: 'unsupported_format', details: { format: 'svg' } });
      expect(error.message).toMatch(/^SVG files aren't accepted/);
    }
    expect(sharpInputs).toEqual([]);
  });

  it('refuses a PDF and plain text the same way, naming the PDF', async () => {
    expect(await refusal(PDF)).toMatchObject({ code: 'unsupported_format', details: { format: 'pdf' } });
    const text = await refusal(Buffer.from('These are my holiday notes, not a photo.\n'));
    expect(text.code).toBe('unsupported_format');
    expect(text.message).toMatch(/JPEG, PNG, WebP, GIF, AVIF, HEIC or TIFF/);
    expect(sharpInputs).toEqual([]);
  });

  it('refuses an empty buffer as empty_file, and hands an accepted format on to sharp', async () => {
    expect((await refusal(Buffer.alloc(0))).code).toBe('empty_file');
    expect(sharpInputs).toEqual([]);
    expect(await probeImage(fixture('320x240.jpg'), LIMIT)).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(sharpInputs).toEqual([fixture('320x240.jpg')]);
  });
});
