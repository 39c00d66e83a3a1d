import { pipeline, Readable } from 'node:stream';
import { ERRORS } from '@darkroom/core/error-factories';
import type { Visibility } from '@darkroom/core/private-links';
import {
  assetObjectLocation,
  ObjectNotFoundError,
  ObjectRangeError,
  type AssetBuckets,
  type ObjectLocation,
  type ObjectStorage,
  type OpenedObject,
  type YoungCollector,
} from '@darkroom/storage';
import { byteRangeHeader, rangeHolds, resolveByteRange, type RangeRequest } from '../http/byte-range.js';
import type { HeldObject, HeldObjects } from '../stores/held-objects.js';

/** What of an asset says where its objects are. */
export interface ObjectPlace {
  visibility: Visibility;
  /** Where they are now; not `visibility` while a move between the buckets is under way. */
  objectsVisibility: Visibility;
}

export interface ObjectRequest {
  key: string;
  method: 'GET' | 'HEAD';
  /** One range, answered only of the object its If-Range names (byte-range.ts). */
  range: RangeRequest | null;
  ifNoneMatch: string | undefined;
}

/** Where an asset's objects are read from: the bucket, what this process keeps of them, and the collector their streams pass. */
export interface ObjectSources {
  storage: ObjectStorage;
  buckets: AssetBuckets;
  held: HeldObjects;
  collector: YoungCollector;
}

/**
 * An object's answer: a stream from the bucket, the bytes this process keeps, or for a HEAD or a
 * 304 nothing (no body is read from the bucket).
 */
export type ObjectAnswer = Omit<OpenedObject, 'body'> & { body: Readable | Buffer | null };

/**
 * One object of an asset, from where its visibility keeps it: from memory when this process keeps
 * it (held-objects.ts), else streamed from the bucket (never held whole), which answers the range
 * and the ETag check itself; a range whose If-Range names another object is answered with the whole
 * object, as RFC 9110 has it. While the asset's objects are being moved the other place is looked
 * in too; otherwise never, so a name that exists only in the public bucket names nothing of a
 * private asset. A range that starts past the end is the range error with the size (416); no such
 * object is `404 not_found`.
 */
export async function openAssetObject(sources: ObjectSources, asset: ObjectPlace, request: ObjectRequest): Promise<ObjectAnswer> {
  const places = asset.objectsVisibility === asset.visibility ? [asset.visibility] : [asset.visibility, asset.objectsVisibility];
  for (const place of places) {
    const location = assetObjectLocation(sources.buckets, place, request.key);
    const held = sources.held.get(location);
    if (held) return answerHeld(held, location, request);
    try {
      return await openIn(sources, location, request);
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw error;
    }
  }
  throw ERRORS.noSuchFile();
}

/** One strong validator alone: the bucket checks it in the GET itself. */
const ONE_STRONG_TAG = /^"[^"]*"$/;

/** `If-None-Match` as RFC 9110 compares it: `*`, or any tag of the list equal to the object's, weakly. */
export function etagMatches(header: string, etag: string | undefined): boolean {
  if (header.trim() === '*') return etag !== undefined;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return etag !== undefined && header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/** A kept object's answer, as the bucket would give it: 304 for a held ETag, else the range asked for (416 past the end) or the whole. */
function answerHeld(held: HeldObject, location: ObjectLocation, request: ObjectRequest): ObjectAnswer {
  const size = held.data.length;
  const { etag, contentType, lastModified } = held;
  const base = { size, etag, contentType, lastModified, metadata: {}, cacheControl: undefined };
  if (request.ifNoneMatch !== undefined && etagMatches(request.ifNoneMatch, etag))
    return { ...base, status: 304, length: 0, range: undefined, body: null };
  const range = request.range && rangeHolds(request.range, etag) ? resolveByteRange(request.range.range, size) : undefined;
  if (range === null) throw new ObjectRangeError(`range starts past the end of ${location.bucket}/${location.key}`, size);
  const body = range ? held.data.subarray(range.start, range.end + 1) : held.data;
  return { ...base, status: range ? 206 : 200, length: body.length, range, body: request.method === 'HEAD' ? null : body };
}

async function openIn(sources: ObjectSources, location: ObjectLocation, request: ObjectRequest): Promise<ObjectAnswer> {
  const { storage } = sources;
  const { ifNoneMatch } = request;
  if (request.method === 'GET' && (ifNoneMatch === undefined || ONE_STRONG_TAG.test(ifNoneMatch))) {
    if (request.range?.ifRange !== undefined) return openResumed(sources, location, { ...request, range: request.range });
    const range = request.range ? byteRangeHeader(request.range.range) : undefined;
    return streamed(sources, location, await storage.openObject({ ...location, range, ifNoneMatch }));
  }
  // A HEAD, or a list, weak or `*` validator (which the bucket may compare otherwise): its headers first.
  const head = await storage.headObject(location);
  const base = { ...head, cacheControl: head.cacheControl, body: null };
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, head.etag)) return { ...base, status: 304, length: 0, range: undefined };
  if (request.method === 'GET') return openIn(sources, location, { ...request, ifNoneMatch: undefined });
  if (!request.range || !rangeHolds(request.range, head.etag)) return { ...base, status: 200, length: head.size, range: undefined };
  const range = resolveByteRange(request.range.range, head.size);
  if (!range) throw new ObjectRangeError(`range starts past the end of ${location.bucket}/${location.key}`, head.size);
  return { ...base, status: 206, length: range.end - range.start + 1, range };
}

/**
 * A GET resumed with `If-Range`: the range when the object is still the one it names, else the
 * whole object. The bucket knows no If-Range, so its answer's ETag is compared: the range's bytes
 * and that ETag come from one answer, so they are of one object. A range past the end of an object
 * rewritten since is no 416 but the whole of the new object.
 */
async function openResumed(
  sources: ObjectSources,
  location: ObjectLocation,
  request: ObjectRequest & { range: RangeRequest },
): Promise<ObjectAnswer> {
  const whole = { ...request, range: null };
  let opened: OpenedObject;
  try {
    opened = await sources.storage.openObject({ ...location, range: byteRangeHeader(request.range.range), ifNoneMatch: request.ifNoneMatch });
  } catch (error) {
    if (!(error instanceof ObjectRangeError)) throw error;
    const rewritten = await openIn(sources, location, whole);
    if (rangeHolds(request.range, rewritten.etag)) {
      if (rewritten.body instanceof Readable) rewritten.body.destroy();
      throw error;
    }
    return rewritten;
  }
  if (opened.status !== 206 || rangeHolds(request.range, opened.etag)) return streamed(sources, location, opened);
  opened.body.destroy();
  return openIn(sources, location, whole);
}

/**
 * The bucket's answer on its way: through the process's young collector (the socket's spent reads
 * freed as they go, so a large object never raises the process's memory), and kept when it may be.
 */
function streamed(sources: ObjectSources, location: ObjectLocation, opened: OpenedObject): ObjectAnswer {
  // Errors reach the caller through the last stream, which pipeline destroys with them.
  const collected = pipeline(opened.body, sources.collector.through(), () => {});
  return { ...opened, body: sources.held.keep(location, { ...opened, body: collected }) };
}
