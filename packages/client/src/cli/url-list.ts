/**
 * A URL list as `npm run import -- --urls FILE` reads it: one URL a line, or CSV whose header names
 * `url` and any of `filename` and `externalId` (RFC 4180 quoting: a quoted field may hold commas,
 * quotes doubled, line breaks). Read as a stream, so a list of millions of lines is never held whole.
 */
import { MAX_FILENAME_LENGTH, MAX_IMPORT_EXTERNAL_ID_LENGTH, MAX_IMPORT_URL_BYTES } from '@darkroom/core/limits';

/** One item of the list, with the line it starts on (for messages). */
export interface ListItem {
  url: string;
  filename?: string;
  externalId?: string;
  line: number;
}

const COLUMNS = { url: 'url', filename: 'filename', externalid: 'externalId' } as const;
type Column = (typeof COLUMNS)[keyof typeof COLUMNS];

interface Row {
  line: number;
  fields: string[];
}

/**
 * Splits text, fed a chunk at a time, into rows: CSV's (fields split on commas, a quoted field kept
 * whole), or a plain list's (the line is the one field: a URL may hold commas and quotes). Blank
 * rows are dropped, and so is a row whose first field starts with `#` (a comment).
 */
export class ListRows {
  private field = '';
  private fields: string[] = [];
  private quoted = false;
  /** The quote just seen inside a quoted field may be the first of a doubled one. */
  private quoteSeen = false;
  private line = 1;
  private rowLine = 1;
  private afterCr = false;

  constructor(private readonly plain: boolean) {}

  push(chunk: string): Row[] {
    const rows: Row[] = [];
    for (const char of chunk) {
      // CRLF is one line end, even split between two chunks.
      if (this.afterCr && char === '\n' && !this.quoted) {
        this.afterCr = false;
        continue;
      }
      this.afterCr = char === '\r';
      if (!this.quoted || !this.inQuotes(char)) this.take(char, rows);
    }
    return rows;
  }

  /** The last row, or the line a quoted field left open opened on (for the message). */
  end(): { rows: Row[] } | { openQuoteLine: number } {
    if (this.quoted && !this.quoteSeen) return { openQuoteLine: this.rowLine };
    const rows: Row[] = [];
    this.endRow(rows);
    return { rows };
  }

  /** Takes a character inside a quoted field; false once the field has closed and the character belongs to what follows. */
  private inQuotes(char: string): boolean {
    if (this.quoteSeen) {
      this.quoteSeen = false;
      if (char === '"') {
        this.field += '"';
        return true;
      }
      this.quoted = false;
      return false;
    }
    if (char === '"') this.quoteSeen = true;
    else {
      if (char === '\n') this.line++;
      this.field += char;
    }
    return true;
  }

  private take(char: string, rows: Row[]): void {
    if (char === '\n' || char === '\r') {
      this.endRow(rows);
      this.line++;
      this.rowLine = this.line;
    } else if (this.plain) this.field += char;
    else if (char === '"' && this.field.trim() === '') {
      this.field = '';
      this.quoted = true;
    } else if (char === ',') {
      this.fields.push(this.field.trim());
      this.field = '';
    } else this.field += char;
  }

  private endRow(rows: Row[]): void {
    this.fields.push(this.field.trim());
    const fields = this.fields;
    this.fields = [];
    this.field = '';
    this.quoted = false;
    this.quoteSeen = false;
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank && !fields[0]!.startsWith('#')) rows.push({ line: this.rowLine, fields });
  }
}

/** The columns a header row names, or null when the row is no header (a URL list's first URL). */
export function headerColumns(fields: string[]): { columns: Column[] } | { error: string } | null {
  if (!fields.some((name) => name.toLowerCase() === 'url')) return null;
  const columns: Column[] = [];
  for (const name of fields) {
    const column = COLUMNS[name.toLowerCase() as keyof typeof COLUMNS];
    if (!column) return { error: `line 1: the header names "${name}": the columns are url, filename and externalId` };
    if (columns.includes(column)) return { error: `line 1: the header names ${column} twice` };
    columns.push(column);
  }
  return { columns };
}

/** A row of a CSV list as an item, checked as the API will check it. */
export function csvItem(row: Row, columns: Column[]): ListItem | { error: string } {
  if (row.fields.length > columns.length) {
    return { error: `line ${row.line}: ${row.fields.length} fields, but the header names ${columns.length} (quote a field that holds a comma)` };
  }
  const item: ListItem = { url: '', line: row.line };
  columns.forEach((column, index) => {
    const value = row.fields[index] ?? '';
    if (value !== '') item[column] = value;
  });
  return checkedItem(item);
}

/** A line of a plain list as an item: the whole line is the URL (a URL may hold commas). */
export function plainItem(line: number, text: string): ListItem | { error: string } {
  return checkedItem({ url: text.trim(), line });
}

function checkedItem(item: ListItem): ListItem | { error: string } {
  const problem = urlProblem(item.url) ?? fieldProblem(item);
  return problem ? { error: `line ${item.line}: ${problem}` } : item;
}

/** What is wrong with a URL, without repeating it (it may carry a signature). */
export function urlProblem(text: string): string | null {
  if (text === '') return 'no URL';
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_IMPORT_URL_BYTES) return `the URL is ${bytes} bytes long; an import takes URLs of at most ${MAX_IMPORT_URL_BYTES}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not an absolute URL (it must start with https:// or http://)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `a ${url.protocol} URL: only http and https URLs are imported`;
  if (url.username || url.password) return 'the URL carries a user or password: use a public or presigned URL instead';
  return null;
}

function fieldProblem(item: ListItem): string | null {
  if (item.filename !== undefined && item.filename.length > MAX_FILENAME_LENGTH)
    return `the filename is longer than ${MAX_FILENAME_LENGTH} characters`;
  if (item.externalId !== undefined && item.externalId.length > MAX_IMPORT_EXTERNAL_ID_LENGTH)
    return `the externalId is longer than ${MAX_IMPORT_EXTERNAL_ID_LENGTH} characters`;
  return null;
}

/** The text before the first line end, once a chunk holds one (or the text has ended). */
async function firstLineOf(chunks: AsyncIterator<string>): Promise<{ head: string; firstLine: string }> {
  let head = '';
  for (;;) {
    const end = head.search(/[\r\n]/);
    if (end >= 0) return { head, firstLine: head.slice(0, end) };
    const next = await chunks.next();
    if (next.done) return { head, firstLine: head };
    head += next.value;
  }
}

/**
 * The items of a list, in order, from its text a chunk at a time: a CSV list when its first line is
 * a header naming `url`, else one URL a line. Yields `{ error }` (with its line) for a row that is
 * no item the API would take, and goes on.
 */
export async function* readList(text: AsyncIterable<string>): AsyncGenerator<ListItem | { error: string }> {
  const chunks = text[Symbol.asyncIterator]();
  try {
    yield* itemsOf(chunks);
  } finally {
    // A reader that stops early (a run interrupted, a header refused) closes the file.
    await chunks.return?.();
  }
}

async function* itemsOf(chunks: AsyncIterator<string>): AsyncGenerator<ListItem | { error: string }> {
  let { head, firstLine } = await firstLineOf(chunks);
  head = head.replace(/^\uFEFF/, '');
  firstLine = firstLine.replace(/^\uFEFF/, '');
  const probe = new ListRows(false);
  probe.push(firstLine);
  const probed = probe.end();
  const header = headerColumns('rows' in probed ? (probed.rows[0]?.fields ?? []) : []);
  if (header && 'error' in header) return yield header;
  const rows = new ListRows(header === null);
  const itemOf = (row: Row) => (header === null ? plainItem(row.line, row.fields[0]!) : csvItem(row, header.columns));
  for (let chunk: string | undefined = head; chunk !== undefined; ) {
    for (const row of rows.push(chunk)) if (header === null || row.line > 1) yield itemOf(row);
    const next = await chunks.next();
    chunk = next.done ? undefined : next.value;
  }
  const end = rows.end();
  if ('openQuoteLine' in end) return yield { error: `line ${end.openQuoteLine}: a quoted field is never closed` };
  for (const row of end.rows) if (header === null || row.line > 1) yield itemOf(row);
}
