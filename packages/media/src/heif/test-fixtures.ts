/**
 * Hand-made HEIF files for the parser's tests and the hostile end-to-end tests: only the boxes
 * our parser and libheif look at (ftyp, meta with hdlr/pitm/iinf/iloc/iprp/iref, mdat), with
 * whatever sizes and counts a test wants to lie about. Not a test file itself.
 */

export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

export function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const word = Buffer.alloc(4);
  word.writeUInt32BE(((version << 24) | flags) >>> 0, 0);
  return box(type, word, ...payload);
}

const u8 = (n: number) => Buffer.from([n]);
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}
const text = (s: string) => Buffer.from(s, 'latin1');

export interface FakeItem {
  id: number;
  type: string;
  /** ispe; omitted for non-image items. */
  size?: { width: number; height: number };
  data: Buffer;
}

export interface FakeHeif {
  primaryId: number;
  items: FakeItem[];
  /** dimg references: grid id → tile ids. */
  dimg?: Record<number, number[]>;
  /** Added to every item's data offset (data that is said to lie past the end of the file). */
  offsetShift?: number;
}

/** The ImageGrid descriptor of a grid item (16-bit sizes). */
export function gridData(rows: number, columns: number, width: number, height: number): Buffer {
  return Buffer.concat([u8(0), u8(0), u8(rows - 1), u8(columns - 1), u16(width), u16(height)]);
}

function buildMeta(spec: FakeHeif, dataStart: number): Buffer {
  const sizes = [...new Set(spec.items.filter((i) => i.size).map((i) => `${i.size!.width}x${i.size!.height}`))];
  const ispe = sizes.map((s) => {
    const [w, h] = s.split('x').map(Number);
    return fullBox('ispe', 0, 0, u32(w!), u32(h!));
  });
  let offset = dataStart + (spec.offsetShift ?? 0);
  const locations = spec.items.map((item) => {
    const entry = Buffer.concat([u16(item.id), u16(0), u16(0), u16(1), u32(offset), u32(item.data.length)]);
    offset += item.data.length;
    return entry;
  });
  const imageItems = spec.items.filter((i) => i.size);
  const associations = imageItems.map((i) => Buffer.concat([u16(i.id), u8(1), u8(1 + sizes.indexOf(`${i.size!.width}x${i.size!.height}`))]));
  const references = Object.entries(spec.dimg ?? {}).map(([from, to]) => box('dimg', u16(Number(from)), u16(to.length), ...to.map(u16)));
  return fullBox(
    'meta',
    0,
    0,
    fullBox('hdlr', 0, 0, u32(0), text('pict'), Buffer.alloc(12), u8(0)),
    fullBox('pitm', 0, 0, u16(spec.primaryId)),
    fullBox('iinf', 0, 0, u16(spec.items.length), ...spec.items.map((i) => fullBox('infe', 2, 0, u16(i.id), u16(0), text(i.type), u8(0)))),
    fullBox('iloc', 1, 0, u16(0x4400), u16(spec.items.length), ...locations),
    box('iprp', box('ipco', ...ispe), fullBox('ipma', 0, 0, u32(imageItems.length), ...associations)),
    ...(references.length > 0 ? [fullBox('iref', 0, 0, ...references)] : []),
  );
}

/** A HEIF file: ftyp (heic), meta, then every item's data in one mdat. */
export function fakeHeif(spec: FakeHeif): Buffer {
  const ftyp = box('ftyp', text('heic'), u32(0), text('mif1heic'));
  const metaSize = buildMeta(spec, 0).length;
  const meta = buildMeta(spec, ftyp.length + metaSize + 8);
  return Buffer.concat([ftyp, meta, box('mdat', ...spec.items.map((i) => i.data))]);
}

/** One HEVC item that says it is width x height: a bomb's header, with 16 bytes of "pixels". */
export function fakeHeifOfSize(width: number, height: number): Buffer {
  return fakeHeif({ primaryId: 1, items: [{ id: 1, type: 'hvc1', size: { width, height }, data: Buffer.alloc(16) }] });
}

/** A grid of rows x columns tiles of tileSize² pixels each, every tile a few bytes. */
export function fakeHeifGrid(rows: number, columns: number, tileSize: number): Buffer {
  const tiles = Array.from({ length: rows * columns }, (_, i) => ({
    id: i + 2,
    type: 'hvc1',
    size: { width: tileSize, height: tileSize },
    data: Buffer.alloc(4),
  }));
  const size = { width: columns * tileSize, height: rows * tileSize };
  const grid = { id: 1, type: 'grid', size, data: gridData(rows, columns, size.width, size.height) };
  return fakeHeif({ primaryId: 1, items: [grid, ...tiles], dimg: { 1: tiles.map((t) => t.id) } });
}
