import { call, type ClientContext } from './client.js';
import { abortError, DarkroomError } from './errors.js';
import { EXPIRY_MARGIN_MS, sendParts, type CompletedPart, type PartUrls } from './multipart.js';
import { forgetUpload, identityOf, rememberUpload, settleAfterFailure } from './previous-uploads.js';
import { putBytes, type SignedTarget } from './put-bytes.js';
import { contentTypeOf, inputName, toByteSource, type ByteSource, type UploadInput } from './source.js';
import { listParts, renewPutUrl } from './upload-routes.js';
import type { Asset, StartedUpload, UploadInstructions } from './types.js';
import { waitUntilReady, type ProcessingProgress } from './wait.js';

/** Bytes sent to the bucket so far (parts already there on a resume included). */
export interface TransferProgress {
  phase: 'uploading';
  assetId: string;
  loaded: number;
  total: number;
}

export type UploadProgress = TransferProgress | ProcessingProgress;

export interface UploadOptions {
  /** Default: the File's name. Required for other inputs. */
  filename?: string;
  /**
   * Default: the Blob's type, else the type its first bytes prove (JPEG, PNG, HEIC, MP4, …), else
   * `application/octet-stream`, which the API refuses (`unsupported_media_type`). Give it for a stream.
   */
  contentType?: string;
  /** Required for a stream; others know their size. */
  size?: number;
  preset?: string;
  metadata?: Record<string, unknown>;
  /** `private`: served only through expiring URLs (docs/delivery.md#private-media). Default: the upload token's, else the tenant's. */
  visibility?: 'public' | 'private';
  /** Upload bytes, then processing status and progress. */
  onProgress?: (progress: UploadProgress) => void;
  /** Called once the asset exists, before any byte is sent (the resume store has it by then: see `findPreviousUploads`). */
  onStarted?: (asset: Asset) => void;
  /** Aborts the transfer and cancels the upload (`POST /v1/uploads/:id/abort`); after `complete`, stops waiting only. */
  signal?: AbortSignal;
  /** Wait for processing to end (default true); false resolves with the queued asset. */
  wait?: boolean;
  /** With `wait`: give up waiting after this long (`timeout`). */
  waitTimeoutMs?: number;
}

export type ResumeOptions = Pick<UploadOptions, 'size' | 'onProgress' | 'signal' | 'wait' | 'waitTimeoutMs'>;

/** Starts an upload, sends its bytes, completes it and (by default) waits until it is ready or failed. */
export async function upload(ctx: ClientContext, input: UploadInput, options: UploadOptions = {}): Promise<Asset> {
  const source = toByteSource(input, options.size);
  const filename = options.filename ?? inputName(input);
  if (!filename) throw new DarkroomError('invalid_input', 'The upload needs a file name: pass { filename }.');
  // A file nothing identifies is declared as bytes: the API refuses it (415) and lists what it accepts.
  const contentType = (await contentTypeOf(input, source, options.contentType)) ?? 'application/octet-stream';
  if (options.signal?.aborted) throw abortError(options.signal);
  const started: StartedUpload = await call(ctx, 'start upload', () =>
    ctx.api.POST('/v1/uploads', {
      body: {
        filename,
        contentType,
        size: source.size,
        ...(options.preset !== undefined ? { preset: options.preset } : {}),
        ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
        ...(options.visibility !== undefined ? { visibility: options.visibility } : {}),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  await rememberUpload(ctx, identityOf(input, filename, source.size), started.asset.id, started.uploadExpiresAt);
  options.onStarted?.(started.asset);
  return finish(ctx, started.asset, options, () => sendBytes(ctx, started.asset.id, started.upload, source, new Map(), options));
}

/**
 * Continues an upload that stopped (a reload, a lost connection): a multipart upload sends only the
 * parts the bucket does not hold yet (`GET /v1/uploads/:id/parts`); a PUT upload starts over with a
 * fresh URL. An asset already past its upload is only waited for.
 */
export async function resume(ctx: ClientContext, assetId: string, input: UploadInput, options: ResumeOptions = {}): Promise<Asset> {
  const asset = await getAsset(ctx, assetId, options.signal).catch(async (error: unknown) => {
    await settleAfterFailure(ctx, assetId, error);
    throw error;
  });
  if (asset.status !== 'awaiting_upload') {
    await forgetUpload(ctx, assetId);
    return options.wait === false ? asset : wait(ctx, asset, options);
  }
  const source = toByteSource(input, options.size ?? asset.size);
  if (source.size !== asset.size) {
    throw new DarkroomError('invalid_input', `The file is ${source.size} bytes; the upload was started for ${asset.size}.`);
  }
  return finish(ctx, asset, options, async () => {
    const listed = await listParts(ctx, assetId, options.signal).catch((error: unknown) => {
      if (error instanceof DarkroomError && error.code === 'invalid_state') return null;
      throw error;
    });
    if (!listed) return sendBytes(ctx, assetId, await renewPutUrl(ctx, assetId, options.signal), source, new Map(), options);
    const uploaded = new Map(listed.uploaded.map((part) => [part.partNumber, part.etag]));
    const instructions: UploadInstructions = { method: 'MULTIPART', partSize: listed.partSize, parts: listed.parts, expiresAt: listed.expiresAt };
    return sendBytes(ctx, assetId, instructions, source, uploaded, options);
  });
}

/**
 * Sends the bytes, completes, and waits; an abort before `complete` cancels the upload. The resume
 * store keeps the upload until `complete` accepts it, or a failure other than a lost connection ends it.
 */
async function finish(ctx: ClientContext, asset: Asset, options: ResumeOptions, send: () => Promise<CompletedPart[] | undefined>): Promise<Asset> {
  let completed: { asset: Asset };
  try {
    const parts = await send().catch(async (error: unknown) => {
      if (!options.signal?.aborted) throw error;
      // Forgotten before the API hears of it: once the asset shows canceled, nothing offers to resume it.
      await forgetUpload(ctx, asset.id);
      await abortUpload(ctx, asset.id).catch(() => {});
      throw abortError(options.signal);
    });
    if (options.signal?.aborted) {
      await forgetUpload(ctx, asset.id);
      await abortUpload(ctx, asset.id).catch(() => {});
      throw abortError(options.signal);
    }
    completed = await call(
      ctx,
      'complete upload',
      () => ctx.api.POST('/v1/uploads/{assetId}/complete', { params: { path: { assetId: asset.id } }, body: parts ? { parts } : {} }),
      { idempotent: true },
    );
  } catch (error) {
    await settleAfterFailure(ctx, asset.id, error);
    throw error;
  }
  await forgetUpload(ctx, asset.id);
  if (options.wait === false) return completed.asset;
  return wait(ctx, completed.asset, options);
}

function wait(ctx: ClientContext, asset: Asset, options: ResumeOptions): Promise<Asset> {
  return waitUntilReady(ctx, asset.id, {
    signal: options.signal,
    onProgress: options.onProgress,
    timeoutMs: options.waitTimeoutMs,
  });
}

/** PUTs the whole body, or its parts; returns the parts for `complete` (none for a PUT). */
async function sendBytes(
  ctx: ClientContext,
  assetId: string,
  instructions: UploadInstructions,
  source: ByteSource,
  uploaded: Map<number, string>,
  options: ResumeOptions,
): Promise<CompletedPart[] | undefined> {
  const progress = (loaded: number) => options.onProgress?.({ phase: 'uploading', assetId, loaded, total: source.size });
  if (instructions.method === 'PUT') {
    let current: UploadInstructions = instructions;
    const target = async (fresh: boolean): Promise<SignedTarget> => {
      if (fresh || Date.parse(current.expiresAt) - Date.now() < EXPIRY_MARGIN_MS) current = await renewPutUrl(ctx, assetId, options.signal);
      if (current.method !== 'PUT') throw new DarkroomError('invalid_response', 'Darkroom renewed a PUT upload as multipart.');
      return { url: current.url, headers: current.headers };
    };
    const body = await source.read(0, source.size);
    await putBytes({ body, target, transport: ctx.transport, retry: ctx.retry, signal: options.signal, onProgress: progress, what: 'the file' });
    return undefined;
  }
  return sendParts({
    source,
    partSize: instructions.partSize,
    parts: instructions.parts,
    uploaded,
    ...partUrls(instructions.parts, instructions.expiresAt),
    refresh: async () => {
      const listed = await listParts(ctx, assetId, options.signal);
      return partUrls(listed.parts, listed.expiresAt);
    },
    transport: ctx.transport,
    concurrency: ctx.concurrency,
    retry: ctx.retry,
    signal: options.signal,
    onProgress: progress,
  });
}

function partUrls(parts: { partNumber: number; url: string }[], expiresAt: string): PartUrls {
  return { urls: new Map(parts.map((part) => [part.partNumber, part.url])), expiresAt: Date.parse(expiresAt) };
}

export function getAsset(ctx: ClientContext, id: string, signal?: AbortSignal): Promise<Asset> {
  return call(ctx, 'get asset', () => ctx.api.GET('/v1/assets/{id}', { params: { path: { id } }, ...(signal ? { signal } : {}) }), {
    idempotent: true,
    signal,
  });
}

export async function abortUpload(ctx: ClientContext, assetId: string): Promise<Asset> {
  const aborted = await call(ctx, 'abort upload', () => ctx.api.POST('/v1/uploads/{assetId}/abort', { params: { path: { assetId } } }), {
    idempotent: true,
  });
  await forgetUpload(ctx, assetId);
  return aborted;
}
