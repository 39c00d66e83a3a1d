import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadMediaError } from '@darkroom/core/errors';
import { describe, expect, it } from 'vitest';
import { fixture, tempDir } from '../test-fixtures.js';
import { MAX_GRID_TILES, MAX_META_BYTES, readHeifHeader } from './header.js';
import { META_LIMITS } from './meta.js';
import { box, fakeHeif, fakeHeifGrid, fakeHeifOfSize, fullBox, gridData } from './test-fixtures.js';

const MAX_PIXELS = 100_000_000;

async function refusal(input: Buffer | string, maxPixels = MAX_PIXELS): Promise<BadMediaError> {
  const error = await readHeifHeader(input, maxPixels).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadMediaError);
  return error as BadMediaError;
}

describe('readHeifHeader', () => {
  it('reads the iPhone HEIC: HEVC, a 4032x3024 grid of 48 tiles (stored sideways, irot turns it)', async () => {
    const header = { codec: 'hevc', width: 4032, height: 3024, tiles: 48 };
    expect(await readHeifHeader(fixture('iphone_13_pro_max.HEIC'), MAX_PIXELS)).toEqual(header);
    // The same from the bytes as from the path (the admin preview reads bytes).
    expect(await readHeifHeader(await readFile(fixture('iphone_13_pro_max.HEIC')), MAX_PIXELS)).toEqual(header);
  });

  it('reads files made by heif-enc: a grid of one tile, and the primary image when it is not the first', async () => {
    expect(await readHeifHeader(fixture('heif-alpha.heic'), MAX_PIXELS)).toEqual({ codec: 'hevc', width: 96, height: 64, tiles: 1 });
    // Its first image is 80x60; the primary (pitm) is the second, 60x80.
    expect(await readHeifHeader(fixture('heif-primary-second.heic'), MAX_PIXELS)).toMatchObject({ width: 60, height: 80 });
  });

  it('refuses a header claiming 200 megapixels as too_many_pixels, from 200 bytes', async () => {
    const bomb = fakeHeifOfSize(20_000, 10_000);
    expect(bomb.length).toBeLessThan(300);
    const error = await refusal(bomb);
    expect(error).toMatchObject({ code: 'too_many_pixels', details: { width: 20_000, height: 10_000, pixels: 200_000_000 } });
    // Under the limit, the same structure is accepted: the refusal is about the size alone.
    expect(await readHeifHeader(fakeHeifOfSize(2000, 1000), MAX_PIXELS)).toMatchObject({ codec: 'hevc', tiles: 1 });
  });

  it('refuses a grid of 10,000 tiles, whatever their size', async () => {
    const grid = fakeHeifGrid(100, 100, 64); // 6400x6400: 41 megapixels, under the pixel limit
    const error = await refusal(grid);
    expect(error).toMatchObject({ code: 'too_many_pixels', details: { tiles: 10_000, maxTiles: MAX_GRID_TILES } });
    expect(error.message).toMatch(/10,000 tiles/);
    expect(await readHeifHeader(fakeHeifGrid(8, 6, 64), MAX_PIXELS)).toMatchObject({ tiles: 48, width: 384, height: 512 });
  });

  it('refuses tiles that together hold far more pixels than the grid shows', async () => {
    const tiles = [2, 3].map((id) => ({ id, type: 'hvc1', size: { width: 12_000, height: 12_000 }, data: Buffer.alloc(4) }));
    const grid = { id: 1, type: 'grid', size: { width: 100, height: 100 }, data: gridData(1, 2, 100, 100) };
    const file = fakeHeif({ primaryId: 1, items: [grid, ...tiles], dimg: { 1: [2, 3] } });
    expect((await refusal(file)).code).toBe('too_many_pixels');
  });

  it('refuses a file cut off inside its pixel data as corrupt_image, before any decoder sees it', async () => {
    const whole = await readFile(fixture('iphone_13_pro_max.HEIC'));
    // The last tile ends at byte 2,084,929 (then comes an auxiliary image that the primary does not need).
    for (const length of [2_084_000, 500_000, 4000]) {
      const error = await refusal(whole.subarray(0, length));
      expect(error.code, `cut at ${length}`).toBe('corrupt_image');
    }
    const path = join(await tempDir(), 'cut.heic');
    await writeFile(path, whole.subarray(0, 1_000_000));
    expect((await refusal(path)).message).toMatch(/damaged or incomplete/);
  });

  it('refuses data said to lie past the end of the file', async () => {
    const item = { id: 1, type: 'hvc1', size: { width: 64, height: 64 }, data: Buffer.alloc(16) };
    const error = await refusal(fakeHeif({ primaryId: 1, items: [item], offsetShift: 1_000_000 }));
    expect(error).toMatchObject({ code: 'corrupt_image', details: { cause: expect.stringMatching(/past the end of the file/) } });
  });

  it.each([
    ['no ftyp first', () => Buffer.concat([box('free'), fakeHeifOfSize(10, 10)]), /does not start with an 'ftyp'/],
    ['no meta', () => Buffer.concat([box('ftyp', Buffer.from('heic\0\0\0\0mif1')), box('mdat', Buffer.alloc(10))]), /no 'meta' box/],
    [
      'a box larger than the file',
      () => Buffer.concat([box('ftyp', Buffer.from('heic\0\0\0\0')), Buffer.from([0, 0, 1, 0]), Buffer.from('meta')]),
      /ends inside its 'meta'/,
    ],
    [
      'a box smaller than its header',
      () => Buffer.concat([box('ftyp', Buffer.from('heic\0\0\0\0')), Buffer.from([0, 0, 0, 4]), Buffer.from('meta')]),
      /smaller than its own header/,
    ],
    [
      'a primary item that does not exist',
      () => fakeHeif({ primaryId: 9, items: [{ id: 1, type: 'hvc1', size: { width: 8, height: 8 }, data: Buffer.alloc(4) }] }),
      /item 9 is referenced but not declared/,
    ],
    ['an image without ispe', () => fakeHeif({ primaryId: 1, items: [{ id: 1, type: 'hvc1', data: Buffer.alloc(4) }] }), /has no size/],
    [
      'a grid whose cells and tiles disagree',
      () => {
        const tile = { id: 2, type: 'hvc1', size: { width: 8, height: 8 }, data: Buffer.alloc(4) };
        return fakeHeif({
          primaryId: 1,
          items: [{ id: 1, type: 'grid', size: { width: 16, height: 8 }, data: gridData(1, 2, 16, 8) }, tile],
          dimg: { 1: [2] },
        });
      },
      /1x2 cells but 1 tiles/,
    ],
    [
      'a grid its tiles do not cover',
      () => {
        const tiles = [2, 3].map((id) => ({ id, type: 'hvc1', size: { width: 8, height: 8 }, data: Buffer.alloc(4) }));
        return fakeHeif({
          primaryId: 1,
          items: [{ id: 1, type: 'grid', size: { width: 64, height: 8 }, data: gridData(1, 2, 64, 8) }, ...tiles],
          dimg: { 1: [2, 3] },
        });
      },
      /do not cover/,
    ],
  ])('refuses %s as corrupt_image', async (_name, make, cause) => {
    const error = await refusal(make());
    expect(error.code).toBe('corrupt_image');
    expect(String(error.details?.cause)).toMatch(cause);
  });

  it('refuses a meta box over its size limit without reading it', async () => {
    const ftyp = box('ftyp', Buffer.from('heic\0\0\0\0'));
    const head = Buffer.alloc(8);
    head.writeUInt32BE(MAX_META_BYTES + 9, 0);
    head.write('meta', 4, 'latin1');
    // The file really is that long (sparse zeros), so only the limit can refuse it.
    const file = Buffer.concat([ftyp, head, Buffer.alloc(MAX_META_BYTES + 1)]);
    expect(String((await refusal(file)).details?.cause)).toMatch(/more than 4194304/);
  });

  it('refuses counts over the limits before walking them: items, extents', async () => {
    const items = fullBox('iinf', 1, 0, Buffer.from([0, 0, 0xff, 0xff]));
    const meta = fullBox(
      'meta',
      0,
      0,
      fullBox('hdlr', 0, 0, Buffer.alloc(4), Buffer.from('pict'), Buffer.alloc(13)),
      fullBox('pitm', 0, 0, Buffer.from([0, 1])),
      items,
      fullBox('iloc', 0, 0, Buffer.alloc(4)),
      box('iprp', box('ipco')),
    );
    const file = Buffer.concat([box('ftyp', Buffer.from('heic\0\0\0\0')), meta]);
    expect(String((await refusal(file)).details?.cause)).toMatch(new RegExp(`65535 items, more than ${META_LIMITS.items}`));
  });

  it('says what is unsupported when the primary image is neither HEVC nor AV1 (a JPEG item)', async () => {
    const file = fakeHeif({ primaryId: 1, items: [{ id: 1, type: 'jpeg', size: { width: 8, height: 8 }, data: Buffer.alloc(4) }] });
    expect(await refusal(file)).toMatchObject({ code: 'unsupported_format', details: { itemType: 'jpeg' } });
  });

  it('never reads outside a box whose counts lie: a truncated iloc is corrupt, not a crash', async () => {
    const whole = fakeHeifOfSize(64, 64);
    const iloc = whole.indexOf('iloc');
    // item_count 2, but the box holds one entry.
    whole.writeUInt16BE(2, iloc + 4 + 4 + 2);
    const error = await refusal(whole);
    expect(String(error.details?.cause)).toMatch(/runs past the end of its box/);
  });
});
