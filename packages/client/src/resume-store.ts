/**
 * Uploads started and not finished, kept so that the same file can continue its upload after a
 * reload, a crash or a lost connection (as tus-js-client's UrlStorage and `findPreviousUploads`).
 * A record holds what recognises the file again (its fingerprint: the API, the token, the file's
 * name, size and last modification) and the asset it goes to; never the file's bytes, never the token.
 */

/** An unfinished upload, as `findPreviousUploads()` returns it: continue it with `client.resume(assetId, file)`. */
export interface PreviousUpload {
  assetId: string;
  /** Names the API and the credential: only a client of both finds it. */
  owner: string;
  /** Names the owner and the file: only the same file finds it. */
  fingerprint: string;
  filename: string;
  size: number;
  /** When it was started (ISO 8601). */
  startedAt: string;
  /** When the API forgets it unless it is completed (ISO 8601, the start's `uploadExpiresAt`). */
  expiresAt: string;
}

/** Where unfinished uploads are kept. Failures to store are swallowed: an upload never fails for them. */
export interface ResumeStore {
  /** Every record, those past `expiresAt` included (the client filters them out). */
  list(): Promise<PreviousUpload[]>;
  add(upload: PreviousUpload): Promise<void>;
  remove(assetId: string): Promise<void>;
}

/** At most this many records are kept: the oldest go first. */
const MAX_RECORDS = 50;

function isPreviousUpload(value: unknown): value is PreviousUpload {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    ['assetId', 'owner', 'fingerprint', 'filename', 'startedAt', 'expiresAt'].every((k) => typeof r[k] === 'string') && typeof r.size === 'number'
  );
}

/** The records of a stored JSON text: anything unreadable (an older format, a hand edit) is nothing. */
export function parseRecords(text: string | null | undefined): PreviousUpload[] {
  try {
    const parsed: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isPreviousUpload) : [];
  } catch {
    return [];
  }
}

/** The records after adding one (replacing its asset's), the oldest dropped past MAX_RECORDS. */
export function withRecord(records: PreviousUpload[], upload: PreviousUpload): PreviousUpload[] {
  return [...records.filter((r) => r.assetId !== upload.assetId), upload].slice(-MAX_RECORDS);
}

/** A store over JSON text kept elsewhere (localStorage, a file): read, change, write back. */
export function textResumeStore(read: () => Promise<string | null>, write: (text: string) => Promise<void>): ResumeStore {
  // Changes run one after another, so two uploads starting at once do not drop each other's record.
  let queue: Promise<unknown> = Promise.resolve();
  const change = (edit: (records: PreviousUpload[]) => PreviousUpload[]) => {
    const next = queue.then(async () => write(JSON.stringify(edit(parseRecords(await read()))))).catch(() => {});
    queue = next;
    return next;
  };
  return {
    list: async () => parseRecords(await read().catch(() => null)),
    add: (upload) => change((records) => withRecord(records, upload)),
    remove: (assetId) => change((records) => records.filter((r) => r.assetId !== assetId)),
  };
}

/** The records in this process only (Node's default). */
export function memoryResumeStore(): ResumeStore {
  let records: PreviousUpload[] = [];
  return {
    list: async () => [...records],
    async add(upload) {
      records = withRecord(records, upload);
    },
    async remove(assetId) {
      records = records.filter((r) => r.assetId !== assetId);
    },
  };
}

/** The records in the browser's localStorage under `key` (the browsers' default); private mode or a full quota: none kept. */
export function localStorageResumeStore(key = 'darkroom.pending-uploads'): ResumeStore {
  return textResumeStore(
    async () => globalThis.localStorage.getItem(key),
    async (text) => globalThis.localStorage.setItem(key, text),
  );
}

/** localStorage where there is one (a browser), else memory. */
export function defaultResumeStore(): ResumeStore {
  try {
    if (typeof globalThis.localStorage?.getItem === 'function') return localStorageResumeStore();
  } catch {
    // Storage turned off: reading the property itself throws in some browsers.
  }
  return memoryResumeStore();
}

/** What identifies a File again after a reload: its name, size and last modification. */
export interface FileIdentity {
  name: string;
  size: number;
  lastModified?: number | undefined;
}

/**
 * A short one-way name (SHA-256, hex) of what it is given: the API and the credential (a record's
 * owner), or an owner and a file. crypto.subtle exists in Node and in a browser's secure contexts
 * (https, localhost); elsewhere FNV-1a, which is enough to tell them apart and, over a random
 * token, gives nothing of it away either.
 */
export async function fingerprintOf(...parts: (string | number | null)[]): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(parts));
  if (!globalThis.crypto?.subtle) return fnv1a(bytes);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest).slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A file's fingerprint under an owner: its name, size and last modification. */
export const fileFingerprint = (owner: string, file: FileIdentity) => fingerprintOf(owner, file.name, file.size, file.lastModified ?? null);

function fnv1a(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
