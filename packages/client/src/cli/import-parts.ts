import { MAX_IMPORT_BODY_BYTES, MAX_IMPORT_ITEMS } from '@darkroom/core/limits';
import type { StartImportBody } from '../types.js';
import type { ListItem } from './url-list.js';

/** What every import of one list is started with besides its items. */
export type ImportSettings = Omit<StartImportBody, 'source'>;

/** One import's share of a list: its body, and the line each of its items came from. */
export interface ImportPart {
  body: StartImportBody;
  lines: number[];
}

type UrlItem = Extract<StartImportBody['source'], { type: 'urls' }>['items'][number];

const itemBody = ({ url, filename, externalId }: ListItem): UrlItem => ({
  url,
  ...(filename !== undefined ? { filename } : {}),
  ...(externalId !== undefined ? { externalId } : {}),
});

const urlsBody = (items: UrlItem[], settings: ImportSettings): StartImportBody => ({ source: { type: 'urls', items }, ...settings });

const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

/**
 * Cuts a list into imports, in its order: each as many items as fit both limits. A body's size is
 * the envelope's plus each item's and a comma between two, which is what JSON.stringify writes.
 */
export class PartBuilder {
  private items: UrlItem[] = [];
  private lines: number[] = [];
  private bytes = 0;
  private readonly envelopeBytes: number;

  constructor(
    private readonly settings: ImportSettings,
    private readonly limits = { items: MAX_IMPORT_ITEMS, bytes: MAX_IMPORT_BODY_BYTES },
  ) {
    this.envelopeBytes = bytesOf(urlsBody([], settings));
  }

  /** Adds an item; the part it closed when it did not fit the one under way. */
  add(item: ListItem): ImportPart | null {
    const body = itemBody(item);
    const bytes = bytesOf(body);
    const full = this.items.length >= this.limits.items || this.envelopeBytes + this.bytes + 1 + bytes > this.limits.bytes;
    const closed = this.items.length > 0 && full ? this.finish() : null;
    this.items.push(body);
    this.lines.push(item.line);
    this.bytes += bytes + (this.items.length > 1 ? 1 : 0);
    return closed;
  }

  /** The part under way, if it holds any item. */
  finish(): ImportPart | null {
    if (this.items.length === 0) return null;
    const part = { body: urlsBody(this.items, this.settings), lines: this.lines };
    this.items = [];
    this.lines = [];
    this.bytes = 0;
    return part;
  }
}

/** The imports of a list's items, in order. */
export async function* importParts(items: AsyncIterable<ListItem>, settings: ImportSettings): AsyncGenerator<ImportPart> {
  const builder = new PartBuilder(settings);
  for await (const item of items) {
    const closed = builder.add(item);
    if (closed) yield closed;
  }
  const last = builder.finish();
  if (last) yield last;
}
