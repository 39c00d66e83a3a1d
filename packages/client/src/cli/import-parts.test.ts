import { MAX_IMPORT_BODY_BYTES } from '@darkroom/core/limits';
import { describe, expect, it } from 'vitest';
import { importParts, type ImportPart } from './import-parts.js';
import type { ListItem } from './url-list.js';

async function* listOf(count: number, urlBytes: number): AsyncGenerator<ListItem> {
  for (let i = 0; i < count; i++) {
    const url = `https://bucket.example.com/photos/${i}.jpg?X-Amz-Signature=`;
    yield { url: url.padEnd(urlBytes, 'f'), externalId: `photo-${i}`, line: i + 2 };
  }
}

async function partsOf(count: number, urlBytes: number): Promise<ImportPart[]> {
  const parts: ImportPart[] = [];
  for await (const part of importParts(listOf(count, urlBytes), { dryRun: true, visibility: 'private' })) parts.push(part);
  return parts;
}

const bodyBytes = (part: ImportPart) => new TextEncoder().encode(JSON.stringify(part.body)).byteLength;
const itemsOf = (part: ImportPart) => (part.body.source.type === 'urls' ? part.body.source.items : []);

describe('a list cut into imports', () => {
  it('takes 10,000 presigned URLs of 1 KB in one import, and the 10,001st in a second', async () => {
    const parts = await partsOf(10_001, 1024);
    expect(parts.map((p) => [p.lines.length, p.lines[0], p.lines.at(-1)])).toEqual([
      [10_000, 2, 10_001],
      [1, 10_002, 10_002],
    ]);
    expect(bodyBytes(parts[0]!)).toBeLessThan(MAX_IMPORT_BODY_BYTES);
    expect(parts[1]!.body).toEqual({
      source: { type: 'urls', items: [{ url: expect.stringMatching(/10000\.jpg/), externalId: 'photo-10000' }] },
      dryRun: true,
      visibility: 'private',
    });
  });

  it('cuts URLs of 2 KB by the 16 MiB body instead: each body as large as it may be, none past it', async () => {
    const parts = await partsOf(9000, 2048);
    expect(parts.length).toBe(2);
    expect(parts.reduce((sum, p) => sum + p.lines.length, 0)).toBe(9000);
    expect(bodyBytes(parts[0]!)).toBeLessThanOrEqual(MAX_IMPORT_BODY_BYTES);
    // One more item would not have fitted: the part is full, not merely cut early.
    const grown = structuredClone(parts[0]!);
    itemsOf(grown).push(itemsOf(parts[1]!)[0]!);
    expect(bodyBytes(grown)).toBeGreaterThan(MAX_IMPORT_BODY_BYTES);
    expect(parts[1]!.lines[0]).toBe(parts[0]!.lines.at(-1)! + 1);
  });

  it('makes no import of an empty list', async () => {
    expect(await partsOf(0, 100)).toEqual([]);
  });
});
