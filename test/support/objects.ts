import { createHash } from 'node:crypto';
import { ObjectNotFoundError, type ObjectLocation, type ObjectStorage } from '@darkroom/storage';

/** `present`, `absent`, or the name of the error the HEAD met. */
export function objectState(storage: ObjectStorage, location: ObjectLocation): Promise<string> {
  return storage.headObject(location).then(
    () => 'present',
    (e: Error) => (e instanceof ObjectNotFoundError ? 'absent' : e.name),
  );
}

/** The SHA-256 of an object's bytes, read through the storage interface as the worker reads them. */
export async function objectSha256(storage: ObjectStorage, location: ObjectLocation): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await storage.getStream(location)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
