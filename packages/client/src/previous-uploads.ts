import type { ClientContext } from './client.js';
import { DarkroomError } from './errors.js';
import { fileFingerprint, type FileIdentity, type PreviousUpload } from './resume-store.js';

/** What of an upload's input identifies it again: a File's name, size and last modification. */
export function identityOf(input: unknown, filename: string, size: number): FileIdentity {
  const lastModified = (input as { lastModified?: unknown }).lastModified;
  return { name: filename, size, lastModified: typeof lastModified === 'number' ? lastModified : undefined };
}

/** Keeps a started upload in the resume store until it is finished with. */
export async function rememberUpload(ctx: ClientContext, file: FileIdentity, assetId: string, expiresAt: string): Promise<void> {
  if (!ctx.resumeStore) return;
  const owner = await ctx.owner();
  const record: PreviousUpload = {
    assetId,
    owner,
    fingerprint: await fileFingerprint(owner, file),
    filename: file.name,
    size: file.size,
    startedAt: new Date().toISOString(),
    expiresAt,
  };
  await ctx.resumeStore.add(record).catch(() => {});
}

export async function forgetUpload(ctx: ClientContext, assetId: string): Promise<void> {
  await ctx.resumeStore?.remove(assetId).catch(() => {});
}

/**
 * After a failure: a lost connection leaves the upload to resume; anything else (a refusal, an
 * abort, an upload gone or expired) ends it, and the same file would only meet it again.
 */
export async function settleAfterFailure(ctx: ClientContext, assetId: string, error: unknown): Promise<void> {
  if (error instanceof DarkroomError && error.code === 'network_error') return;
  await forgetUpload(ctx, assetId);
}

/**
 * This client's unfinished uploads (its API and credential), those of `file` only when it is given,
 * newest first; records past their expiry are dropped from the store.
 */
export async function findPreviousUploads(ctx: ClientContext, file?: FileIdentity): Promise<PreviousUpload[]> {
  if (!ctx.resumeStore) return [];
  const owner = await ctx.owner();
  const now = Date.now();
  const records = await ctx.resumeStore.list().catch(() => []);
  for (const expired of records.filter((r) => Date.parse(r.expiresAt) <= now)) await forgetUpload(ctx, expired.assetId);
  const fingerprint = file ? await fileFingerprint(owner, file) : undefined;
  return records
    .filter((r) => r.owner === owner && Date.parse(r.expiresAt) > now && (fingerprint === undefined || r.fingerprint === fingerprint))
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}
