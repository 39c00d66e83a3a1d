/**
 * Uploads started but not finished, kept in localStorage so the page can offer to resume them after
 * a reload or a crash. A browser cannot keep a File across a reload, so a record holds what is
 * needed to recognise the same file when the user picks it again (name, size, last modified) and
 * the asset it was going to; nothing of the file's content, and never the token.
 */
const STORAGE_KEY = 'darkroom.pending-uploads';
/** An upload older than this has expired on the server (UPLOAD_TTL is a day by default). */
const MAX_AGE_MS = 24 * 3600 * 1000;
/** At most this many records: the oldest go first. */
const MAX_RECORDS = 50;

export interface PendingUpload {
  assetId: string;
  /** tokenFingerprint() of the token that started it: only that token may resume it. */
  token: string;
  name: string;
  size: number;
  lastModified: number;
  startedAt: number;
}

function isPendingUpload(value: unknown): value is PendingUpload {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.assetId === 'string' &&
    typeof r.token === 'string' &&
    typeof r.name === 'string' &&
    typeof r.size === 'number' &&
    typeof r.lastModified === 'number' &&
    typeof r.startedAt === 'number'
  );
}

function readAll(): PendingUpload[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    const cutoff = Date.now() - MAX_AGE_MS;
    return Array.isArray(parsed) ? parsed.filter(isPendingUpload).filter((r) => r.startedAt > cutoff) : [];
  } catch {
    return []; // Storage turned off, or a record from an older page: nothing to resume.
  }
}

function writeAll(records: PendingUpload[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(records.slice(-MAX_RECORDS)));
  } catch {
    // Private mode or a full quota: uploads still work, they just cannot be resumed after a reload.
  }
}

/** The unfinished uploads this token started. */
export function pendingUploads(token: string): PendingUpload[] {
  return readAll().filter((r) => r.token === token);
}

export function rememberUpload(record: PendingUpload): void {
  writeAll([...readAll().filter((r) => r.assetId !== record.assetId), record]);
}

export function forgetUpload(assetId: string): void {
  writeAll(readAll().filter((r) => r.assetId !== assetId));
}

/** The pending upload this file continues, if the user picked the same file again. */
export function matchPending(records: PendingUpload[], file: File): PendingUpload | undefined {
  return records.find((r) => r.name === file.name && r.size === file.size && r.lastModified === file.lastModified);
}
