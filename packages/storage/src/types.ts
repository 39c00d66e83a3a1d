import type { Readable } from 'node:stream';

/** Where one object lives. Every storage call takes an options object naming it. */
export interface ObjectLocation {
  bucket: string;
  key: string;
}

export interface PresignPutOptions extends ObjectLocation {
  contentType: string;
  /** Signed into the URL: the bucket refuses a body of any other length. */
  contentLength: number;
  expiresInSeconds: number;
}

export interface PresignedRequest {
  url: string;
  /** Headers the client must send exactly as given (they are part of the signature). */
  headers: Record<string, string>;
  expiresAt: Date;
}

/**
 * User metadata an object is written with (`x-amz-meta-*`): ASCII names and values, at most
 * 2 KB in all on S3 (see @darkroom/db's bucket records, which measure what they put there).
 */
export type ObjectMetadata = Record<string, string>;

export interface CreateMultipartOptions extends ObjectLocation {
  contentType: string;
  cacheControl?: string | undefined;
  metadata?: ObjectMetadata | undefined;
}

export interface PresignPartOptions extends ObjectLocation {
  uploadId: string;
  partNumber: number;
  /** Signed into the URL, like `PresignPutOptions.contentLength`. */
  contentLength: number;
  expiresInSeconds: number;
}

/** A URL for one request on a multipart upload as a whole (the bucket's own upload id): listing its parts, or completing it. */
export interface PresignMultipartOptions extends ObjectLocation {
  uploadId: string;
  operation: 'ListParts' | 'CompleteMultipartUpload';
  expiresInSeconds: number;
}

/** A URL that reads one object (GET, ranges allowed) until it expires: for a tool that reads by URL, such as ffprobe. */
export interface PresignGetOptions extends ObjectLocation {
  expiresInSeconds: number;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface CompleteMultipartOptions extends ObjectLocation {
  uploadId: string;
  parts: CompletedPart[];
  /** The assembled object's size, when the caller knows it: told to the observer (without it, one HEAD tells, where an observer is set). */
  size?: number | undefined;
}

export interface AbortMultipartOptions extends ObjectLocation {
  uploadId: string;
}

export interface ListPartsOptions extends ObjectLocation {
  uploadId: string;
}

/** A part the bucket holds for an open multipart upload. */
export interface UploadedPart {
  partNumber: number;
  /** As the bucket gives it, quotes included: what `completeMultipartUpload` takes back. */
  etag: string;
  size: number;
}

export interface ObjectHead {
  size: number;
  contentType: string | undefined;
  etag: string | undefined;
  lastModified: Date | undefined;
  /** User metadata, names in lower case without `x-amz-meta-`. */
  metadata: ObjectMetadata;
  /** The Cache-Control it was stored with (an interim master playlist's is short). */
  cacheControl?: string | undefined;
}

export interface OpenObjectOptions extends ObjectLocation, Abortable {
  /** An HTTP Range header's value, passed to the bucket as it is (one range: the caller checks it). */
  range?: string | undefined;
  /** An ETag the caller holds: an unchanged object answers 304 with no body. */
  ifNoneMatch?: string | undefined;
}

/** One GET's answer, its body still to be read (a stream: never held whole). */
export interface OpenedObject extends ObjectHead {
  /** 200 the whole object, 206 the range asked for, 304 unchanged since `ifNoneMatch`. */
  status: 200 | 206 | 304;
  /** The whole object's size, whatever part is sent. */
  size: number;
  /** Bytes in `body`. */
  length: number;
  /** The inclusive byte offsets sent, on a 206. */
  range: { start: number; end: number } | undefined;
  cacheControl: string | undefined;
  body: Readable;
}

/** A request its caller may cut off: once `signal` aborts, its socket is closed and the call (or the body) fails with the signal's reason. */
export interface Abortable {
  signal?: AbortSignal | undefined;
}

export interface ReadStartOptions extends ObjectLocation, Abortable {
  /** How many bytes from the start to return (fewer when the object is shorter). */
  length: number;
}

/** An object's metadata and first bytes, from one ranged GET. */
export interface ObjectStart extends ObjectHead {
  bytes: Buffer;
}

export interface GetRangeOptions extends ObjectLocation {
  /** Inclusive byte offsets, as in an HTTP Range header. */
  start: number;
  end: number;
}

/**
 * What the copy is written with: a type and metadata of the caller's (MetadataDirective REPLACE: no
 * request more), or none, and it keeps the source's own Content-Type, Cache-Control and metadata
 * however it is copied (a copy in parts reads them with one HEAD first).
 */
export type CopyHeaders = { contentType: string; metadata: ObjectMetadata } | { contentType?: undefined; metadata?: undefined };

export type CopyObjectOptions = ObjectLocation & CopyHeaders & CopySource;

export interface CopySource {
  /** The object to copy. */
  sourceKey: string;
  /** The bucket it is in, when not `bucket` (one the same credentials read). */
  sourceBucket?: string | undefined;
  /** The source's size: it decides between one CopyObject and a copy in parts, and their byte ranges. */
  size: number;
  /** Larger sources are copied in parts (UploadPartCopy); default and maximum 5 GiB, S3's limit for CopyObject. */
  multipartThreshold?: number;
  /** Bytes per copied part, from S3_MIN_PART_BYTES to S3_MAX_PART_BYTES (default DEFAULT_COPY_PART_BYTES; grown when a source would need more than S3_MAX_PARTS). */
  partSize?: number;
  /**
   * The source's ETag as the caller last saw it: a source changed since is not copied (412,
   * `StorageRequestError` with `httpStatus` 412), so a copy is of the very version that was looked at.
   */
  sourceIfMatch?: string | undefined;
}

export interface CopyResult {
  /**
   * The version of the source the copy read, as the server named it (`x-amz-copy-source-version-id`);
   * undefined where the bucket keeps no versions (or the copy in parts read more than one).
   */
  sourceVersionId: string | undefined;
}

export interface DeleteVersionOptions extends ObjectLocation {
  /** The version to delete; undefined when none is known (see `deleteObjectVersion`). */
  versionId: string | undefined;
}

export interface PutObjectOptions extends ObjectLocation {
  body: Readable | Buffer | Uint8Array;
  contentType: string;
  cacheControl?: string;
  metadata?: ObjectMetadata | undefined;
}

export interface UploadStreamOptions extends ObjectLocation {
  body: Readable;
  contentType: string;
  metadata?: ObjectMetadata | undefined;
  /** Bytes per part, at least S3_MIN_PART_BYTES (the last part smaller): at most two parts are held at a time, whatever the body's length. */
  partSize: number;
  /** A body longer than this is cut off (`file_too_large`) and nothing of it is kept. */
  maxBytes: number;
  /** The body's length when known before it is read (a Content-Length, a HEAD): parts are grown so it fits in S3_MAX_PARTS. */
  expectedSize?: number | undefined;
  /** Told the bytes stored so far, each time a part lands. */
  onBytes?: ((stored: number) => void) | undefined;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date | undefined;
  /** As the bucket lists it, quotes included. */
  etag: string | undefined;
}

export interface ListObjectsOptions {
  bucket: string;
  prefix: string;
}

export interface ListPageOptions extends ListObjectsOptions, Abortable {
  /** List keys after this one (a cursor from the page before); undefined: from the start. */
  startAfter?: string | undefined;
  /** At most this many keys (S3 caps a page at 1,000). */
  maxKeys: number;
  /**
   * The most bytes the page's answer may have, checked before it is parsed (the SDK parses a whole
   * body): past it, `ResponseTooLargeError`. None: as large as the server sends.
   */
  maxBodyBytes?: number | undefined;
}

export interface ListedPage {
  objects: ListedObject[];
  /** More keys follow the last one listed. */
  truncated: boolean;
}

export interface ListedMultipartUpload {
  key: string;
  uploadId: string;
  initiated: Date | undefined;
}

/** An object the storage client wrote (its whole size), as the observer is told of it. */
export interface WrittenObject extends ObjectLocation {
  bytes: number;
}

/**
 * What a storage client tells whoever meters it (`@darkroom/usage`'s meter; none: nothing is told).
 * Defined here so storage depends on no database: the apps pass one to `createS3Storage`.
 */
export interface StorageObserver {
  /**
   * One request attempt sent to the bucket, retries each counted: `operation` is S3's name
   * (`PutObject`, `HeadObject`…), `key` the object or prefix it names ('' for the bucket's own).
   */
  request(operation: string, bucket: string, key: string): void;
  /** A presigned URL handed out: `upload` for PUTs, parts and a multipart upload's own URLs, `read` for GETs. */
  presigned(kind: 'upload' | 'read', key: string): void;
  /** Objects stored, each at its whole size: awaited before the storage call returns. */
  written(objects: readonly WrittenObject[]): Promise<void>;
  /** Objects deleted (every version): awaited before the storage call returns. */
  deleted(objects: readonly ObjectLocation[]): Promise<void>;
}

/**
 * The one storage interface the apps talk to. Implementations translate every S3 error into a
 * `StorageError` subclass (see errors.ts): callers never see an AWS SDK error.
 */
export interface ObjectStorage {
  presignPut(options: PresignPutOptions): Promise<PresignedRequest>;
  createMultipartUpload(options: CreateMultipartOptions): Promise<{ uploadId: string }>;
  presignUploadPart(options: PresignPartOptions): Promise<PresignedRequest>;
  presignMultipartRequest(options: PresignMultipartOptions): Promise<PresignedRequest>;
  /** A short-lived GET URL of a private object, for a tool of our own that reads by URL (never handed to a client). */
  presignGet(options: PresignGetOptions): Promise<PresignedRequest>;
  completeMultipartUpload(options: CompleteMultipartOptions): Promise<void>;
  abortMultipartUpload(options: AbortMultipartOptions): Promise<void>;
  /**
   * Every part an open multipart upload holds, by part number (all pages: a server lists at most
   * 1,000 a request). Throws `UploadNotFoundError` once the upload is completed or aborted.
   */
  listParts(options: ListPartsOptions): Promise<UploadedPart[]>;
  /** Metadata of an object; throws `ObjectNotFoundError` when it is absent. */
  headObject(options: ObjectLocation & Abortable): Promise<ObjectHead>;
  /**
   * Metadata and first bytes of an object in one request (a ranged GET, whose Content-Range names
   * the whole size): what a HEAD and a `getRange` would say together. `ObjectNotFoundError` when absent.
   */
  readStart(options: ReadStartOptions): Promise<ObjectStart>;
  /** A byte range, buffered (meant for small reads such as sniffing magic bytes). */
  getRange(options: GetRangeOptions): Promise<Buffer>;
  /** A small object whole, buffered (a record beside an original); `ObjectNotFoundError` when absent. */
  getBytes(options: ObjectLocation): Promise<Buffer>;
  /** The whole object as a stream, for large reads with bounded memory. */
  getStream(options: ObjectLocation & Abortable): Promise<Readable>;
  /**
   * The object (or one range of it) as a stream, with what its answer said of it: for serving it on.
   * A range that starts past the end is `ObjectRangeError` (with the object's size).
   */
  openObject(options: OpenObjectOptions): Promise<OpenedObject>;
  /**
   * Server-side copy, within a bucket or from another (`sourceBucket`): no byte passes through this process. A failed copy in parts
   * is aborted, so it leaves no parts behind.
   */
  copyObject(options: CopyObjectOptions): Promise<CopyResult>;
  /** Streaming upload (lib-storage: multipart for large bodies, one PUT for small ones). */
  putObject(options: PutObjectOptions): Promise<void>;
  /**
   * A stream of unknown length into one object, part after part, with memory bounded by the part
   * size: one PUT when the whole body is shorter than a part. A body that errors, or runs past
   * `maxBytes` (`file_too_large`), has its multipart upload aborted, so no part is left behind;
   * the body's own error is thrown as it is, the bucket's as a `StorageError`.
   */
  uploadStream(options: UploadStreamOptions): Promise<{ size: number }>;
  /** Deletes every version of the key, so space is really freed on versioned buckets (B2). Absent keys are fine. */
  deleteObject(options: ObjectLocation): Promise<void>;
  /**
   * Deletes one version of a key in one request: the version named, or, when none is known, the key
   * by name, which removes it where the bucket keeps no versions. If that answer shows a delete
   * marker (the bucket does version), every version of the key goes, as with `deleteObject`.
   * Absent keys and versions are fine.
   */
  deleteObjectVersion(options: DeleteVersionOptions): Promise<void>;
  /** Deletes every object (and version) under a prefix. */
  deletePrefix(options: ListObjectsOptions): Promise<{ deleted: number }>;
  listObjects(options: ListObjectsOptions): AsyncIterable<ListedObject>;
  /** One page of keys under a prefix, after a cursor key: for walks that do a bounded amount each pass. */
  listObjectsPage(options: ListPageOptions): Promise<ListedPage>;
  /** Multipart uploads begun and neither completed nor aborted (their parts use space until aborted). */
  listMultipartUploads(options: ListObjectsOptions): AsyncIterable<ListedMultipartUpload>;
  /** Cheap reachability check for readiness probes (HeadBucket). */
  checkBucket(options: { bucket: string }): Promise<void>;
}
