/**
 * `@darkroom/client/uppy`: Uppy 6's `@uppy/aws-s3` uploading through Darkroom:
 * `uppy.use(AwsS3, darkroomUppy(uppy, client))`. Uppy sends the bytes to the bucket; Darkroom decides
 * everything else and signs only what each asset's upload may do:
 *
 * - Before Uppy uploads a file (a pre-processor), Darkroom starts its upload (`POST /v1/uploads`): its
 *   checks and limits apply there, and its answer says PUT or multipart and the part size, which
 *   `shouldUseMultipart` and `getChunkSize` then give Uppy. A file the browser gives no type gets the
 *   one its first bytes prove (the table the API checks with).
 * - `signRequest` hands Uppy the URLs of that answer: the PUT, or each part's (renewed through
 *   `GET /v1/uploads/:id/parts` near their expiry). Uppy lists and completes the bucket's multipart
 *   upload through URLs the API signs for that upload alone (`POST /v1/uploads/:id/sign`).
 * - Once Uppy has sent a file, Darkroom's `complete` checks and queues it (a post-processor waits for
 *   it, so Uppy counts a file Darkroom refuses as failed); removing a file aborts its upload.
 *
 * Uppy is not imported here (it is an optional peer dependency): the options are plain functions.
 */
import { SNIFF_BYTES, sniffContentType } from '@darkroom/core/content-types';
import { call, contexts, type ClientContext } from './client.js';
import { DarkroomError } from './errors.js';
import type { DarkroomClient } from './index.js';
import { EXPIRY_MARGIN_MS } from './multipart.js';
import type { Asset, StartedUpload, UploadInstructions } from './types.js';
import { abortUpload } from './upload.js';
import { listParts, renewPutUrl } from './upload-routes.js';

/** The part of an Uppy file the adapter reads. */
export interface UppyFileLike {
  id: string;
  name?: string | undefined;
  type?: string | undefined;
  size: number | null;
  /** A local file's Blob (a remote one's is not). */
  data?: unknown;
  meta: Record<string, unknown>;
}

/** The part of an Uppy instance the adapter uses: its processors, its events and its file state. */
export interface UppyLike {
  addPreProcessor(fn: (fileIDs: string[]) => Promise<void>): void;
  addPostProcessor(fn: (fileIDs: string[]) => Promise<void>): void;
  getFile(fileID: string): UppyFileLike | undefined;
  setFileState(fileID: string, state: Record<string, unknown>): void;
  // biome-ignore lint/suspicious/noExplicitAny: Uppy's events are typed per name; the adapter listens to four.
  on(event: string, callback: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  emit(event: string, ...args: any[]): void;
}

export interface DarkroomUppyOptions {
  /** Preset of every upload (an upload token's own preset wins). */
  preset?: string;
  /** Metadata per file; with an upload token, keys of its own go under `client`. Default: none. */
  metadata?: (file: UppyFileLike) => Record<string, unknown> | undefined;
  /** Called when Darkroom has accepted a file's bytes (`complete`): the asset is queued for processing. */
  onComplete?: (file: UppyFileLike, asset: Asset) => void;
}

/** @uppy/aws-s3 6's `signRequest` request, as the adapter reads it. */
export interface SignableRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  key: string;
  uploadId?: string;
  partNumber?: number;
  contentType?: string;
}

interface Started {
  file: UppyFileLike;
  assetId: string;
  upload: UploadInstructions;
  /** Part number → ETag, as Uppy reports each part sent: what `complete` sends. */
  etags: Map<number, string>;
  /** Darkroom's `complete`, once Uppy has sent the bytes. */
  completion?: Promise<Asset>;
}

/** Reads the type a typeless file's first bytes prove. */
async function sniffFile(file: UppyFileLike): Promise<string | undefined> {
  if (!(file.data instanceof Blob)) return undefined;
  const head = new Uint8Array(await file.data.slice(0, SNIFF_BYTES).arrayBuffer());
  return sniffContentType(head) ?? undefined;
}

export function darkroomUppy(uppy: UppyLike, client: DarkroomClient, options: DarkroomUppyOptions = {}) {
  const found = contexts.get(client);
  if (!found) throw new TypeError('darkroomUppy needs a DarkroomClient');
  const ctx: ClientContext = found;
  /** Uploads Darkroom started, by Uppy file id (the object key Uppy proposes) and by asset id. */
  const byFile = new Map<string, Started>();
  const byAsset = new Map<string, Started>();

  async function start(file: UppyFileLike): Promise<void> {
    const type = file.type || (await sniffFile(file));
    if (type && type !== file.type) uppy.setFileState(file.id, { type });
    const metadata = options.metadata?.(file);
    const started: StartedUpload = await call(ctx, 'start upload', () =>
      ctx.api.POST('/v1/uploads', {
        body: {
          filename: file.name || 'upload',
          contentType: type || 'application/octet-stream',
          size: file.size ?? 0,
          ...(options.preset !== undefined ? { preset: options.preset } : {}),
          ...(metadata !== undefined ? { metadata } : {}),
        },
      }),
    );
    const entry: Started = { file, assetId: started.asset.id, upload: started.upload, etags: new Map() };
    byFile.set(file.id, entry);
    byAsset.set(entry.assetId, entry);
    // A multipart upload Darkroom opened is one Uppy continues: it lists its parts, sends the rest
    // and completes it, naming it by the asset id (the bucket's own id and key stay server-side).
    if (started.upload.method === 'MULTIPART') uppy.setFileState(file.id, { s3Multipart: { uploadId: entry.assetId, key: entry.assetId } });
  }

  uppy.addPreProcessor(async (fileIDs) => {
    await Promise.all(
      fileIDs.map(async (id) => {
        const file = uppy.getFile(id);
        if (!file || byFile.has(id)) return;
        // A refusal (type, size, the token's limits) fails this file only; Uppy skips it.
        await start(file).catch((error: unknown) => uppy.emit('upload-error', file, error));
      }),
    );
  });

  uppy.on('s3-multipart:part-uploaded', (file: UppyFileLike, part: { PartNumber: number; ETag: string }) => {
    byFile.get(file.id)?.etags.set(part.PartNumber, part.ETag);
  });

  uppy.on('upload-success', (file: UppyFileLike | undefined) => {
    const entry = file && byFile.get(file.id);
    if (!entry || entry.completion) return;
    const parts = entry.upload.method === 'MULTIPART' ? [...entry.etags].map(([partNumber, etag]) => ({ partNumber, etag })) : undefined;
    entry.completion = call(
      ctx,
      'complete upload',
      () => ctx.api.POST('/v1/uploads/{assetId}/complete', { params: { path: { assetId: entry.assetId } }, body: parts ? { parts } : {} }),
      { idempotent: true },
    ).then(({ asset }) => {
      options.onComplete?.(entry.file, asset);
      return asset;
    });
    entry.completion.catch(() => {}); // the post-processor reports it
  });

  uppy.addPostProcessor(async (fileIDs) => {
    await Promise.all(
      fileIDs.map(async (id) => {
        const entry = byFile.get(id);
        if (!entry?.completion) return;
        await entry.completion.then(
          () => forget(entry),
          (error: unknown) => uppy.emit('upload-error', uppy.getFile(id), error),
        );
      }),
    );
  });

  uppy.on('file-removed', (file: UppyFileLike) => {
    const entry = byFile.get(file.id);
    if (!entry || entry.completion) return;
    forget(entry);
    abortUpload(ctx, entry.assetId).catch(() => {});
  });

  function forget(entry: Started): void {
    byFile.delete(entry.file.id);
    byAsset.delete(entry.assetId);
  }

  function startedFor(key: string): Started {
    const entry = byAsset.get(key) ?? byFile.get(key);
    if (!entry) throw new DarkroomError('invalid_input', 'Darkroom started no upload for this file.');
    return entry;
  }

  /** A part's URL from the start's answer, or fresh ones (`GET /parts`) when they are about to expire. */
  async function partUrl(entry: Started, partNumber: number): Promise<string> {
    let upload = entry.upload;
    const url = upload.method === 'MULTIPART' ? upload.parts.find((p) => p.partNumber === partNumber)?.url : undefined;
    if (!url || Date.parse(upload.expiresAt) - Date.now() < EXPIRY_MARGIN_MS) {
      const listed = await listParts(ctx, entry.assetId);
      upload = { method: 'MULTIPART', partSize: listed.partSize, parts: listed.parts, expiresAt: listed.expiresAt };
      entry.upload = upload;
    }
    const fresh = upload.method === 'MULTIPART' ? upload.parts.find((p) => p.partNumber === partNumber)?.url : undefined;
    if (!fresh) throw new DarkroomError('invalid_response', `Darkroom gave no URL for part ${partNumber}.`);
    return fresh;
  }

  /** A URL Darkroom signs for this upload's own bucket upload: listing its parts, or completing it. */
  async function signedByServer(entry: Started, operation: 'ListParts' | 'CompleteMultipartUpload') {
    return call(
      ctx,
      'sign upload request',
      () => ctx.api.POST('/v1/uploads/{assetId}/sign', { params: { path: { assetId: entry.assetId } }, body: { operation } }),
      { idempotent: true },
    );
  }

  async function signRequest(request: SignableRequest): Promise<{ url: string; key?: string; headers?: Record<string, string> }> {
    const entry = startedFor(request.key);
    if (request.method === 'PUT' && request.uploadId === undefined) {
      // The whole file: the start's URL, renewed when it is about to expire. Its headers (the
      // content type signed into it) replace the type Uppy would send.
      if (entry.upload.method !== 'PUT') throw new DarkroomError('invalid_response', 'Darkroom started this upload in parts.');
      if (Date.parse(entry.upload.expiresAt) - Date.now() < EXPIRY_MARGIN_MS) entry.upload = await renewPutUrl(ctx, entry.assetId);
      const put = entry.upload as Extract<UploadInstructions, { method: 'PUT' }>;
      return { url: put.url, headers: put.headers, key: entry.assetId };
    }
    if (request.method === 'PUT' && request.partNumber !== undefined) return { url: await partUrl(entry, request.partNumber) };
    if (request.method === 'GET' && request.uploadId !== undefined) return { url: (await signedByServer(entry, 'ListParts')).url };
    if (request.method === 'POST' && request.uploadId !== undefined) return { url: (await signedByServer(entry, 'CompleteMultipartUpload')).url };
    // Creating a bucket upload (Darkroom opened it already) or deleting anything is never signed:
    // a removed file's upload is aborted through Darkroom (`file-removed`).
    throw new DarkroomError('invalid_input', `Darkroom does not sign ${request.method} requests of this kind.`);
  }

  const plan = (file: { id: string }) => byFile.get(file.id)?.upload;

  return {
    signRequest,
    /** The object key Uppy proposes is the file's id, so each signing request names its file. */
    generateObjectKey: (file: { id: string }) => file.id,
    /** Darkroom's choice, from the start's answer. */
    shouldUseMultipart: (file: { id: string }) => plan(file)?.method === 'MULTIPART',
    /** The part size the start stated for a file of this size (Uppy asks by size alone). */
    getChunkSize: ({ size }: { size: number }) => {
      for (const entry of byFile.values()) if (entry.file.size === size && entry.upload.method === 'MULTIPART') return entry.upload.partSize;
      return size;
    },
  };
}

export type DarkroomUppyAdapter = ReturnType<typeof darkroomUppy>;
