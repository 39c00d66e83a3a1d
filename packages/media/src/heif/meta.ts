import { childBoxes, Cursor, HeifFormatError, type Box } from './bmff.js';

/**
 * Limits on what one HEIF `meta` box may declare. Real files stay far below them: an iPhone
 * 12 MP photo has about 50 items (48 tiles, the grid, a thumbnail, Exif) and about 20 properties.
 * Every one of them is read as a small JS object, so the limits bound memory and time too; the
 * tile count of a grid has a lower limit of its own (MAX_GRID_TILES in header.ts).
 */
export const META_LIMITS = {
  /** Children of `meta`, `iprp`, `iref`. */
  boxes: 64,
  items: 32768,
  properties: 4096,
  /** Extents of one item in `iloc`. */
  extentsPerItem: 64,
  /** References in `iref`, all types together. */
  references: 65536,
} as const;

export interface ItemLocation {
  /** 0: offsets into the file; 1: offsets into the `idat` box. */
  constructionMethod: number;
  extents: { offset: number; length: number }[];
}

export interface Property {
  type: string;
  /** Payload of the property box, as read (offsets into the meta buffer). */
  box: Box;
}

export interface HeifMeta {
  primaryId: number;
  /** item id → item type (`hvc1`, `grid`, `av01`, `Exif`, …), in `iinf` order. */
  itemTypes: Map<number, string>;
  locations: Map<number, ItemLocation>;
  /** Properties in `ipco` order (ipma indices are 1-based into this). */
  properties: Property[];
  /** item id → indices into `properties`. */
  associations: Map<number, number[]>;
  /** `dimg` references: derived item id → its source items, in order. */
  derivedFrom: Map<number, number[]>;
  /** Payload of `idat`, for items stored there. */
  idat: Box | null;
  data: Buffer;
}

/** Parses the payload of a `meta` box (everything after its 8- or 16-byte header). */
export function parseMeta(data: Buffer): HeifMeta {
  const cursor = new Cursor(data, 0, data.length);
  cursor.fullBoxHeader('meta');
  const children = childBoxes(data, cursor.at, data.length, META_LIMITS.boxes, 'meta');
  const find = (type: string) => children.find((box) => box.type === type);
  const required = (type: string) => {
    const box = find(type);
    if (!box) throw new HeifFormatError(`the file has no '${type}' box`);
    return box;
  };
  const handler = parseHandler(data, required('hdlr'));
  if (handler !== 'pict') throw new HeifFormatError(`the meta handler is '${handler}', not 'pict' (not an image file)`);
  const iprp = required('iprp');
  const iprpChildren = childBoxes(data, iprp.start, iprp.end, META_LIMITS.boxes, 'iprp');
  const ipco = iprpChildren.find((box) => box.type === 'ipco');
  if (!ipco) throw new HeifFormatError("the file has no 'ipco' box");
  const iref = find('iref');
  return {
    primaryId: parsePrimary(data, required('pitm')),
    itemTypes: parseItemInfo(data, required('iinf')),
    locations: parseLocations(data, required('iloc')),
    properties: childBoxes(data, ipco.start, ipco.end, META_LIMITS.properties, 'ipco').map((box) => ({ type: box.type, box })),
    associations: parseAssociations(
      data,
      iprpChildren.filter((box) => box.type === 'ipma'),
    ),
    derivedFrom: iref ? parseReferences(data, iref, 'dimg') : new Map(),
    idat: find('idat') ?? null,
    data,
  };
}

function parseHandler(data: Buffer, box: Box): string {
  const cursor = new Cursor(data, box.start, box.end);
  cursor.fullBoxHeader('hdlr');
  cursor.skip(4, 'hdlr pre_defined');
  return cursor.fourcc('hdlr handler_type');
}

function parsePrimary(data: Buffer, box: Box): number {
  const cursor = new Cursor(data, box.start, box.end);
  const { version } = cursor.fullBoxHeader('pitm');
  return version === 0 ? cursor.u16('pitm item_ID') : cursor.u32('pitm item_ID');
}

function parseItemInfo(data: Buffer, box: Box): Map<number, string> {
  const cursor = new Cursor(data, box.start, box.end);
  const { version } = cursor.fullBoxHeader('iinf');
  const count = version === 0 ? cursor.u16('iinf entry_count') : cursor.u32('iinf entry_count');
  if (count > META_LIMITS.items) throw new HeifFormatError(`the file declares ${count} items, more than ${META_LIMITS.items}`);
  const types = new Map<number, string>();
  for (const entry of childBoxes(data, cursor.at, box.end, META_LIMITS.items, 'iinf')) {
    if (entry.type !== 'infe') continue;
    const infe = new Cursor(data, entry.start, entry.end);
    const header = infe.fullBoxHeader('infe');
    // Versions 0 and 1 carry no item type: such items are never images.
    if (header.version < 2) continue;
    const id = header.version === 2 ? infe.u16('infe item_ID') : infe.u32('infe item_ID');
    infe.skip(2, 'infe item_protection_index');
    types.set(id, infe.fourcc('infe item_type'));
  }
  return types;
}

function parseLocations(data: Buffer, box: Box): Map<number, ItemLocation> {
  const cursor = new Cursor(data, box.start, box.end);
  const { version } = cursor.fullBoxHeader('iloc');
  if (version > 2) throw new HeifFormatError(`iloc version ${version} is unknown`);
  const sizes = cursor.u16('iloc field sizes');
  const offsetSize = sizes >>> 12;
  const lengthSize = (sizes >>> 8) & 0xf;
  const baseOffsetSize = (sizes >>> 4) & 0xf;
  const indexSize = version === 0 ? 0 : sizes & 0xf;
  const count = version < 2 ? cursor.u16('iloc item_count') : cursor.u32('iloc item_count');
  if (count > META_LIMITS.items) throw new HeifFormatError(`iloc lists ${count} items, more than ${META_LIMITS.items}`);
  const locations = new Map<number, ItemLocation>();
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? cursor.u16('iloc item_ID') : cursor.u32('iloc item_ID');
    const constructionMethod = version === 0 ? 0 : cursor.u16('iloc construction_method') & 0xf;
    cursor.skip(2, 'iloc data_reference_index');
    const base = cursor.uint(baseOffsetSize, 'iloc base_offset');
    const extentCount = cursor.u16('iloc extent_count');
    if (extentCount > META_LIMITS.extentsPerItem) {
      throw new HeifFormatError(`item ${id} has ${extentCount} extents, more than ${META_LIMITS.extentsPerItem}`);
    }
    const extents = [];
    for (let e = 0; e < extentCount; e++) {
      cursor.uint(indexSize, 'iloc extent_index');
      const offset = base + cursor.uint(offsetSize, 'iloc extent_offset');
      extents.push({ offset, length: cursor.uint(lengthSize, 'iloc extent_length') });
    }
    locations.set(id, { constructionMethod, extents });
  }
  return locations;
}

function parseAssociations(data: Buffer, boxes: Box[]): Map<number, number[]> {
  const associations = new Map<number, number[]>();
  let total = 0;
  for (const box of boxes) {
    const cursor = new Cursor(data, box.start, box.end);
    const { version, flags } = cursor.fullBoxHeader('ipma');
    const count = cursor.u32('ipma entry_count');
    if (count > META_LIMITS.items) throw new HeifFormatError(`ipma lists ${count} items, more than ${META_LIMITS.items}`);
    for (let i = 0; i < count; i++) {
      const id = version < 1 ? cursor.u16('ipma item_ID') : cursor.u32('ipma item_ID');
      const n = cursor.u8('ipma association_count');
      total += n;
      if (total > META_LIMITS.references) throw new HeifFormatError('ipma holds too many associations');
      const indices = associations.get(id) ?? [];
      for (let a = 0; a < n; a++) {
        const index = flags & 1 ? cursor.u16('ipma property_index') & 0x7fff : cursor.u8('ipma property_index') & 0x7f;
        if (index > 0) indices.push(index - 1);
      }
      associations.set(id, indices);
    }
  }
  return associations;
}

function parseReferences(data: Buffer, box: Box, wanted: string): Map<number, number[]> {
  const cursor = new Cursor(data, box.start, box.end);
  const { version } = cursor.fullBoxHeader('iref');
  const id = (c: Cursor) => (version === 0 ? c.u16('iref item_ID') : c.u32('iref item_ID'));
  const references = new Map<number, number[]>();
  let total = 0;
  for (const child of childBoxes(data, cursor.at, box.end, META_LIMITS.references, 'iref')) {
    const refs = new Cursor(data, child.start, child.end);
    const from = id(refs);
    const count = refs.u16('iref reference_count');
    total += count;
    if (total > META_LIMITS.references) throw new HeifFormatError(`iref holds more than ${META_LIMITS.references} references`);
    const to = Array.from({ length: count }, () => id(refs));
    if (child.type === wanted) references.set(from, [...(references.get(from) ?? []), ...to]);
  }
  return references;
}
