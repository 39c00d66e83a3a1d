import { assetKindOf, DarkroomError, resolvePreset, originalKey, stagingKey, type UploadInstructions } from '@darkroom/core';
import { insertUpload, newId, setAssetUploadId, type Asset, type Tenant } from '@darkroom/db';
import type { PresignedRequest } from '@darkroom/storage';
import type { AppDeps } from '../deps.js';

export interface StartUploadInput {
  filename: string;
  contentType: string;
  size: number;
  preset?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

const MAX_METADATA_BYTES = 4096;
const MAX_METADATA_DEPTH = 10;
const MAX_PARTS = 10_000;
const MiB = 1024 * 1024;

/** Lower-cased, without parameters: `Image/JPEG; charset=x` is `image/jpeg`. */
export function normalizeContentType(value: string): string {
  return value.split(';')[0]!.trim().toLowerCase();
}

function validateFilename(filename: string): void {
  // The name is only ever shown back to the client; it never reaches an object key.
  if (filename.trim().length === 0) throw new DarkroomError('invalid_request', 'filename must not be blank.');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this check refuses.
  if (/[\u0000-\u001f\u007f]/.test(filename)) {
    throw new DarkroomError('invalid_request', 'filename must not contain control characters.');
  }
  if (/[/\\]/.test(filename)) {
    throw new DarkroomError('invalid_request', 'filename must be a bare file name, without "/" or "\\".');
  }
}

function validateUpload(deps: AppDeps, tenant: Tenant, input: StartUploadInput, contentType: string): void {
  validateFilename(input.filename);
  const accepted = tenant.acceptedContentTypes ?? deps.config.uploads.acceptedContentTypes;
  if (!accepted.includes(contentType)) {
    throw new DarkroomError('unsupported_media_type', `${contentType} is not accepted. Accepted types: ${accepted.join(', ')}.`, {
      accepted,
    });
  }
  const maxBytes = tenant.maxUploadBytes ?? deps.config.uploads.maxBytes;
  if (input.size > maxBytes) {
    throw new DarkroomError('file_too_large', `The file is ${input.size} bytes; the limit is ${maxBytes} bytes.`, { maxBytes });
  }
  // Checked before anything walks it recursively: JSON.stringify overflows the stack a few thousand levels down.
  if (input.metadata && exceedsDepth(input.metadata, MAX_METADATA_DEPTH)) {
    throw new DarkroomError('invalid_request', `metadata nests deeper than ${MAX_METADATA_DEPTH} levels.`);
  }
  const metadataBytes = input.metadata ? Buffer.byteLength(JSON.stringify(input.metadata)) : 0;
  if (metadataBytes > MAX_METADATA_BYTES) {
    throw new DarkroomError('invalid_request', `metadata is ${metadataBytes} bytes as JSON; at most ${MAX_METADATA_BYTES} are kept.`);
  }
}

/** Whether a parsed JSON value nests objects or arrays more than `limit` levels deep (walked without recursion). */
export function exceedsDepth(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true;
    level = level.flatMap((node) => (node !== null && typeof node === 'object' ? Object.values(node) : []));
  }
  return false;
}

/** The configured part size, grown in whole MiB when the file would otherwise need more than 10,000 parts. */
export function choosePartSize(size: number, configured: number): number {
  const minimum = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  return Math.max(configured, minimum);
}

export async function startUpload(deps: AppDeps, tenant: Tenant, input: StartUploadInput) {
  const contentType = normalizeContentType(input.contentType);
  validateUpload(deps, tenant, input, contentType);
  const presetName = input.preset ?? tenant.defaultPreset ?? 'default';
  if (!resolvePreset(deps.config.presets, tenant.presets, presetName)) {
    throw new DarkroomError('preset_not_found', `There is no preset named "${presetName}".`);
  }

  const { config, storage } = deps;
  const id = newId();
  // The client writes the staging key only; `complete` copies what it checked to the original key.
  const location = { bucket: config.storage.bucket, key: stagingKey(tenant.id, id) };
  const multipart = input.size >= config.uploads.multipartThreshold;

  // The row comes first, so a bucket upload is never opened for an asset nobody recorded: if the
  // insert fails there is nothing to leak. Its expiry cleans up an upload that never gets its id.
  const now = Date.now();
  const inserted = await insertUpload(deps.db, {
    id,
    tenantId: tenant.id,
    // `complete` refuses bytes of another kind, so the declared type's kind is the asset's.
    kind: assetKindOf(contentType),
    filename: input.filename,
    contentType,
    size: input.size,
    preset: presetName,
    metadata: input.metadata ?? null,
    originalKey: originalKey(tenant.id, id),
    uploadExpiresAt: new Date(now + config.uploads.ttlMs),
  });
  // Recorded at once; a crash between these two leaves an upload the multipart sweep aborts after UPLOAD_TTL.
  const uploadId = multipart ? (await storage.createMultipartUpload({ ...location, contentType })).uploadId : null;
  const asset = uploadId ? ((await setAssetUploadId(deps.db, { id, uploadId })) ?? inserted) : inserted;

  const upload = uploadId
    ? await presignMultipart(deps, asset, uploadId)
    : toPutInstructions(
        await storage.presignPut({
          ...location,
          contentType,
          contentLength: input.size,
          expiresInSeconds: config.uploads.urlTtlSeconds,
        }),
      );
  return { asset, upload };
}

function toPutInstructions(signed: PresignedRequest): UploadInstructions {
  return { method: 'PUT', url: signed.url, headers: signed.headers, expiresAt: signed.expiresAt.toISOString() };
}

async function presignMultipart(deps: AppDeps, asset: Asset, uploadId: string): Promise<UploadInstructions> {
  const partSize = choosePartSize(asset.size, deps.config.uploads.partSize);
  const count = Math.ceil(asset.size / partSize);
  const expiresInSeconds = deps.config.uploads.urlTtlSeconds;
  const parts = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const partNumber = index + 1;
      const contentLength = Math.min(partSize, asset.size - index * partSize);
      const signed = await deps.storage.presignUploadPart({
        bucket: deps.config.storage.bucket,
        key: stagingKey(asset.tenantId, asset.id),
        uploadId,
        partNumber,
        contentLength,
        expiresInSeconds,
      });
      return { partNumber, url: signed.url };
    }),
  );
  const expiresAt = new Date(Date.now() + expiresInSeconds * 1000).toISOString();
  return { method: 'MULTIPART', partSize, parts, expiresAt };
}
