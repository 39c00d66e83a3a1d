/**
 * `@darkroom/client/uppy`: the options that make @uppy/aws-s3 (5.x: getUploadParameters,
 * createMultipartUpload, signPart, listParts, completeMultipartUpload, abortMultipartUpload) upload
 * through Darkroom: `uppy.use(AwsS3, darkroomUppy(client))`. Darkroom decides PUT or multipart and
 * presigns every part when the upload starts; Uppy sends the bytes; its completion calls Darkroom's
 * `complete`. Uppy is not imported here: the options are plain functions, so users without Uppy
 * never load it (it is an optional peer dependency).
 */
import { call, contexts } from './client.js';
import { DarkroomError } from './errors.js';
import type { DarkroomClient } from './index.js';
import { looksExpired } from './put-bytes.js';
import type { Asset, StartedUpload } from './types.js';
import { abortUpload } from './upload.js';
import { listParts } from './upload-routes.js';

/** The part of an Uppy file the adapter reads. */
export interface UppyFileLike {
  id: string;
  name?: string | undefined;
  type?: string | undefined;
  size: number | null;
  meta: Record<string, unknown>;
}

export interface DarkroomUppyOptions {
  /** Preset of every upload (an upload token's own preset wins). */
  preset?: string;
  /** Metadata per file; with an upload token, keys of its own go under `client`. Default: none. */
  metadata?: (file: UppyFileLike) => Record<string, unknown> | undefined;
  /**
   * Uppy decides PUT or multipart, and the part size, before Darkroom answers: these must match the
   * deployment's MULTIPART_THRESHOLD_BYTES and MULTIPART_PART_SIZE (defaults 32 MiB and 16 MiB).
   * A mismatch fails the file with `invalid_response`, naming the setting.
   */
  multipartThreshold?: number;
  partSize?: number;
  /** Called when Darkroom has accepted a file's bytes (`complete`): the asset is queued for processing. */
  onComplete?: (file: UppyFileLike, asset: Asset) => void;
}

type Signature = { method: 'PUT'; url: string; headers?: Record<string, string> };
type ProgressListener = (event: { loaded: number; lengthComputable: boolean }) => void;
type Signal = { signal?: AbortSignal | undefined };
/** Uppy names an upload by `uploadId` and `key`; both are the Darkroom asset id here. */
type UploadRef = { uploadId?: string | undefined; key: string } & Signal;

interface MultipartState {
  urls: Map<number, string>;
  expiresAt: number;
  stale: boolean;
}

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;
const EXPIRY_MARGIN_MS = 60_000;

/** The part size the API picks: the configured one, grown in whole MiB past 10,000 parts. */
export function partSizeFor(size: number, configured: number): number {
  return Math.max(configured, Math.ceil(size / MAX_PARTS / MiB) * MiB);
}

/** An error Uppy's retry logic reads: `source.status`, and "Request has expired" for a stale URL. */
function uppyError(message: string, status: number): Error {
  return Object.assign(new Error(message), { source: { status } });
}

export function darkroomUppy(client: DarkroomClient, options: DarkroomUppyOptions = {}) {
  const ctx = contexts.get(client);
  if (!ctx) throw new TypeError('darkroomUppy needs a DarkroomClient');
  const threshold = options.multipartThreshold ?? 32 * MiB;
  const partSize = options.partSize ?? 16 * MiB;
  /** Uploads whose bytes go in one PUT, by their URL: the PUT's success completes them. */
  const puts = new Map<string, { file: UppyFileLike; assetId: string }>();
  const multiparts = new Map<string, MultipartState>();

  async function start(file: UppyFileLike, signal: AbortSignal | undefined, expected: 'PUT' | 'MULTIPART'): Promise<StartedUpload> {
    const metadata = options.metadata?.(file);
    const started = await call(ctx!, 'start upload', () =>
      ctx!.api.POST('/v1/uploads', {
        body: {
          filename: file.name || 'upload',
          contentType: file.type || 'application/octet-stream',
          size: file.size ?? 0,
          ...(options.preset !== undefined ? { preset: options.preset } : {}),
          ...(metadata !== undefined ? { metadata } : {}),
        },
        ...(signal ? { signal } : {}),
      }),
    );
    const { upload, asset } = started;
    const mismatch =
      upload.method !== expected
        ? `Darkroom answered ${upload.method} where Uppy planned ${expected}: set multipartThreshold to the API's MULTIPART_THRESHOLD_BYTES`
        : upload.method === 'MULTIPART' && upload.partSize !== partSizeFor(asset.size, partSize)
          ? `Darkroom's part size is ${upload.partSize} bytes, Uppy's ${partSizeFor(asset.size, partSize)}: set partSize to the API's MULTIPART_PART_SIZE`
          : undefined;
    if (mismatch) {
      await abortUpload(ctx!, asset.id).catch(() => {});
      throw new DarkroomError('invalid_response', `${mismatch}.`);
    }
    return started;
  }

  async function refresh(assetId: string, signal?: AbortSignal) {
    const listed = await listParts(ctx!, assetId, signal);
    const state = multiparts.get(assetId) ?? { urls: new Map(), expiresAt: 0, stale: false };
    for (const part of listed.parts) state.urls.set(part.partNumber, part.url);
    Object.assign(state, { expiresAt: Date.parse(listed.expiresAt), stale: false });
    multiparts.set(assetId, state);
    return listed;
  }

  async function complete(file: UppyFileLike, assetId: string, parts?: { partNumber: number; etag: string }[]): Promise<Asset> {
    const completed = await call(
      ctx!,
      'complete upload',
      () => ctx!.api.POST('/v1/uploads/{assetId}/complete', { params: { path: { assetId } }, body: parts ? { parts } : {} }),
      { idempotent: true },
    );
    options.onComplete?.(file, completed.asset);
    return completed.asset;
  }

  const result = (asset: Asset) => ({ location: `${ctx.baseUrl}/v1/assets/${asset.id}`, assetId: asset.id, asset });

  return {
    shouldUseMultipart: (file: UppyFileLike) => (file.size ?? 0) >= threshold,
    getChunkSize: (file: { size: number }) => partSizeFor(file.size, partSize),

    async getUploadParameters(file: UppyFileLike, { signal }: Signal = {}): Promise<Signature> {
      const { upload, asset } = await start(file, signal, 'PUT');
      if (upload.method !== 'PUT') throw new Error('unreachable');
      puts.set(upload.url, { file, assetId: asset.id });
      return { method: 'PUT', url: upload.url, headers: upload.headers };
    },

    async createMultipartUpload(file: UppyFileLike): Promise<{ uploadId: string; key: string }> {
      const { upload, asset } = await start(file, undefined, 'MULTIPART');
      if (upload.method !== 'MULTIPART') throw new Error('unreachable');
      multiparts.set(asset.id, {
        urls: new Map(upload.parts.map((p) => [p.partNumber, p.url])),
        expiresAt: Date.parse(upload.expiresAt),
        stale: false,
      });
      // Darkroom's asset id names the upload; the bucket's own upload id and key stay server-side.
      return { uploadId: asset.id, key: asset.id };
    },

    async signPart(_file: UppyFileLike, { key, partNumber, signal }: UploadRef & { partNumber: number; body?: Blob }): Promise<Signature> {
      let state = multiparts.get(key);
      if (!state || state.stale || state.expiresAt - Date.now() < EXPIRY_MARGIN_MS || !state.urls.has(partNumber)) {
        await refresh(key, signal);
        state = multiparts.get(key)!;
      }
      const url = state.urls.get(partNumber);
      if (!url) throw new DarkroomError('invalid_response', `Darkroom gave no URL for part ${partNumber}.`);
      return { method: 'PUT', url };
    },

    async listParts(_file: UppyFileLike, { key, signal }: UploadRef) {
      const listed = await refresh(key, signal);
      return listed.uploaded.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag, Size: part.size }));
    },

    async completeMultipartUpload(file: UppyFileLike, { key, parts }: UploadRef & { parts: { PartNumber?: number; ETag?: string }[] }) {
      multiparts.delete(key);
      const asset = await complete(
        file,
        key,
        parts.map((part) => ({ partNumber: part.PartNumber!, etag: part.ETag! })),
      );
      return result(asset);
    },

    async abortMultipartUpload(_file: UppyFileLike, { key }: UploadRef): Promise<void> {
      multiparts.delete(key);
      await abortUpload(ctx!, key);
    },

    /** Sends a PUT or a part with the client's transport; a PUT that lands is completed at once. */
    async uploadPartBytes({
      signature,
      body,
      size,
      onProgress,
      onComplete,
      signal,
    }: {
      signature: { url: string; headers?: Record<string, string> | undefined };
      body: Blob | FormData;
      size?: number | undefined;
      onProgress: ProgressListener;
      onComplete: (etag: string) => void;
      signal?: AbortSignal | undefined;
    }) {
      if (!(body instanceof Blob)) throw new DarkroomError('invalid_input', 'Darkroom takes PUT uploads only, not POST forms.');
      const total = size ?? body.size;
      const res = await ctx.transport
        .put({
          url: signature.url,
          headers: signature.headers ?? {},
          body,
          signal,
          onProgress: (loaded) => onProgress({ loaded, lengthComputable: true }),
        })
        .catch((error: unknown) => {
          // Uppy ignores an AbortError, and retries an error whose status is 0 (no answer).
          if (error instanceof DarkroomError && error.code === 'aborted') throw new DOMException('The upload was aborted.', 'AbortError');
          throw Object.assign(uppyError(error instanceof Error ? error.message : String(error), 0), { cause: error });
        });
      if (looksExpired(res.status, res.body)) {
        for (const [assetId, state] of multiparts)
          if ([...state.urls.values()].includes(signature.url)) multiparts.set(assetId, { ...state, stale: true });
        throw uppyError('Request has expired', 403);
      }
      if (res.status < 200 || res.status >= 300) throw uppyError(`The bucket refused the upload (HTTP ${res.status}).`, res.status);
      onProgress({ loaded: total, lengthComputable: true });
      const etag = res.etag ?? '';
      onComplete(etag);
      const put = puts.get(signature.url);
      if (!put) return { ETag: etag };
      puts.delete(signature.url);
      return { ETag: etag, ...result(await complete(put.file, put.assetId)) };
    },
  };
}

export type DarkroomUppyAdapter = ReturnType<typeof darkroomUppy>;
