import { ERRORS } from '@darkroom/core/error-factories';
import { MiB } from '@darkroom/core/limits';
import { openSource, type ByteSource } from '../byte-source.js';
import type { ImageInput } from '../types.js';
import { Cursor, HeifFormatError, readBoxHeader } from './bmff.js';
import { parseMeta, type HeifMeta, type ItemLocation } from './meta.js';

/** Top-level boxes looked at before `meta` must have been found (ftyp, meta, mdat, free… in practice). */
const MAX_TOP_LEVEL_BOXES = 64;
/** An iPhone photo's `meta` is about 10 KB; the pixels and Exif live in `mdat`. */
export const MAX_META_BYTES = 4 * MiB;
/** An iPhone 12 MP photo is a grid of 48 tiles, 48 MP one of 192; 10,000 tiles is an attack. */
export const MAX_GRID_TILES = 4096;

export type HeifCodec = 'hevc' | 'av1';

/** What the box structure says about the primary image, read before any decoder sees the file. */
export interface HeifHeader {
  codec: HeifCodec;
  /** The primary image's stored size (its `ispe`), before rotation. */
  width: number;
  height: number;
  /** Tiles of a grid image; 1 for a single coded image. */
  tiles: number;
}

/**
 * Reads and checks the HEIF structure of an upload with strict limits, so a file that declares
 * too many pixels, too many tiles, or data past its end is refused (too_many_pixels,
 * corrupt_image) before libheif parses it and before anything the size of the image is allocated.
 * At most MAX_META_BYTES of the file are read.
 */
export async function readHeifHeader(input: ImageInput, maxInputPixels: number): Promise<HeifHeader> {
  const source = await openSource(input);
  try {
    const meta = parseMeta(await readMetaPayload(source));
    return await checkPrimary(meta, source, maxInputPixels);
  } catch (error) {
    if (error instanceof HeifFormatError) throw ERRORS.corruptImage(error.message);
    throw error;
  } finally {
    await source.close();
  }
}

async function readMetaPayload(source: ByteSource): Promise<Buffer> {
  for (let at = 0, count = 0; at < source.size; count++) {
    if (count >= MAX_TOP_LEVEL_BOXES) throw new HeifFormatError(`no 'meta' box in the first ${MAX_TOP_LEVEL_BOXES} boxes`);
    const head = await source.read(at, 16);
    const header = readBoxHeader(head, 0, Math.min(16, source.size - at));
    // Size 0: the box runs to the end of the file.
    if (head.readUInt32BE(0) === 0) header.size = source.size - at;
    if (count === 0 && header.type !== 'ftyp') throw new HeifFormatError("the file does not start with an 'ftyp' box");
    if (at + header.size > source.size) throw new HeifFormatError(`the file ends inside its '${header.type}' box (cut off?)`);
    if (header.type === 'meta') {
      if (header.size > MAX_META_BYTES) throw new HeifFormatError(`the 'meta' box is ${header.size} bytes, more than ${MAX_META_BYTES}`);
      return source.read(at + header.headerSize, header.size - header.headerSize);
    }
    at += header.size;
  }
  throw new HeifFormatError("the file has no 'meta' box");
}

interface ImageItem {
  type: string;
  width: number;
  height: number;
}

function imageItem(meta: HeifMeta, id: number): ImageItem {
  const type = meta.itemTypes.get(id);
  if (!type) throw new HeifFormatError(`item ${id} is referenced but not declared`);
  const ispe = (meta.associations.get(id) ?? []).map((i) => meta.properties[i]).find((p) => p?.type === 'ispe');
  if (!ispe) throw new HeifFormatError(`image item ${id} has no size ('ispe')`);
  const cursor = new Cursor(meta.data, ispe.box.start, ispe.box.end);
  cursor.fullBoxHeader('ispe');
  const width = cursor.u32('ispe width');
  const height = cursor.u32('ispe height');
  if (width === 0 || height === 0) throw new HeifFormatError(`image item ${id} is ${width}x${height}`);
  return { type, width, height };
}

const CODECS: Record<string, HeifCodec> = { hvc1: 'hevc', av01: 'av1' };

function codecOf(type: string): HeifCodec {
  const codec = CODECS[type];
  if (!codec) throw ERRORS.heifCodingNotSupported(type);
  return codec;
}

async function checkPrimary(meta: HeifMeta, source: ByteSource, maxInputPixels: number): Promise<HeifHeader> {
  const primary = imageItem(meta, meta.primaryId);
  if (primary.width * primary.height > maxInputPixels) {
    throw ERRORS.tooManyPixels(primary.width, primary.height, 1, maxInputPixels);
  }
  if (primary.type !== 'grid') {
    const codec = codecOf(primary.type);
    assertStored(meta, source, meta.primaryId);
    return { codec, width: primary.width, height: primary.height, tiles: 1 };
  }
  const grid = await readGrid(meta, source, meta.primaryId);
  const tiles = grid.rows * grid.columns;
  if (tiles > MAX_GRID_TILES) {
    throw ERRORS.heifTooManyTiles(tiles, MAX_GRID_TILES);
  }
  const sources = meta.derivedFrom.get(meta.primaryId) ?? [];
  if (sources.length !== tiles) throw new HeifFormatError(`the grid has ${grid.rows}x${grid.columns} cells but ${sources.length} tiles`);
  const first = imageItem(meta, sources[0]!);
  const codec = codecOf(first.type);
  for (const id of sources) {
    const tile = imageItem(meta, id);
    if (tile.type !== first.type || tile.width !== first.width || tile.height !== first.height) {
      throw new HeifFormatError('the grid tiles differ in type or size');
    }
    assertStored(meta, source, id);
  }
  // The tiles must cover the grid, and together they are what the decoder holds at once.
  if (grid.columns * first.width < grid.width || grid.rows * first.height < grid.height) {
    throw new HeifFormatError('the grid tiles do not cover the image');
  }
  if (tiles * first.width * first.height > 2 * maxInputPixels) {
    throw ERRORS.tooManyPixels(grid.columns * first.width, grid.rows * first.height, 1, maxInputPixels);
  }
  return { codec, width: primary.width, height: primary.height, tiles };
}

/** Every byte an item's data claims must be in the file (or its `idat`): a cut-off file fails here. */
function assertStored(meta: HeifMeta, source: ByteSource, id: number): ItemLocation {
  const location = meta.locations.get(id);
  if (!location || location.extents.length === 0) throw new HeifFormatError(`item ${id} has no data location`);
  const limit = location.constructionMethod === 0 ? source.size : meta.idat ? meta.idat.end - meta.idat.start : 0;
  if (location.constructionMethod > 1) throw new HeifFormatError(`item ${id} uses construction method ${location.constructionMethod}`);
  for (const extent of location.extents) {
    // Length 0 means "to the end": only meaningful for a single extent.
    const end = extent.offset + (extent.length || 1);
    if (end > limit) throw new HeifFormatError(`item ${id}'s data lies past the end of the file (cut off?)`);
  }
  return location;
}

interface Grid {
  rows: number;
  columns: number;
  width: number;
  height: number;
}

/** The ImageGrid descriptor (ISO/IEC 23008-12 6.6.2.3), 8 or 12 bytes of item data. */
async function readGrid(meta: HeifMeta, source: ByteSource, id: number): Promise<Grid> {
  const location = assertStored(meta, source, id);
  const extent = location.extents[0]!;
  const length = Math.min(extent.length || 12, 12);
  const bytes =
    location.constructionMethod === 0
      ? await source.read(extent.offset, length)
      : meta.data.subarray(meta.idat!.start + extent.offset, meta.idat!.start + extent.offset + length);
  const cursor = new Cursor(bytes, 0, bytes.length);
  cursor.u8('grid version');
  const wide = (cursor.u8('grid flags') & 1) === 1;
  const rows = cursor.u8('grid rows') + 1;
  const columns = cursor.u8('grid columns') + 1;
  const width = wide ? cursor.u32('grid width') : cursor.u16('grid width');
  const height = wide ? cursor.u32('grid height') : cursor.u16('grid height');
  return { rows, columns, width, height };
}
