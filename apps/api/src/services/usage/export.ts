import { Readable } from 'node:stream';
import type { Executor } from '@darkroom/db/client';
import { readUsageExport, type UsageExportFormat, type UsageExportRange } from '@darkroom/db/queries/usage';

export const EXPORT_CONTENT_TYPES: Record<UsageExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/**
 * RFC 4180 with CRLF line ends. No field is ever quoted because none can hold a comma, a quote or a
 * line break: a UUID (empty for the deployment), an ISO instant, a meter's name and a number.
 */
export const CSV_HEADER = 'tenantId,at,meter,value\r\n';

async function* exportText(first: IteratorResult<string>, pages: AsyncGenerator<string>, format: UsageExportFormat) {
  if (format === 'csv') yield CSV_HEADER;
  if (format === 'json') yield '[';
  for (let next = first; !next.done; next = await pages.next()) yield next.value;
  if (format === 'json') yield ']\n';
}

/**
 * The export as a stream of text, one chunk a page. Readable.from pulls the next page only when the
 * stream is read and its buffer (smaller than a page) has room, so a slow client slows the reads and
 * the process holds about one page whatever the export's size. The first page is read before anything
 * is sent, so that a database that does not answer is an error response, not a body cut short.
 */
export async function usageExportStream(db: Executor, range: UsageExportRange, format: UsageExportFormat): Promise<Readable> {
  const pages = readUsageExport(db, range, format);
  const first = await pages.next();
  return Readable.from(exportText(first, pages, format), { objectMode: false, highWaterMark: 16 * 1024 });
}
