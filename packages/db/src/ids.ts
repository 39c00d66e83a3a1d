import { randomFillSync } from 'node:crypto';
import { V7Generator } from 'uuidv7';

/**
 * uuidv7's default random source refills 32 bytes at a time through Web Crypto, so a new
 * millisecond's id (under load, most ids) often paid for a `getRandomValues` call, which showed in
 * the API's profile of upload starts (docs/design/api.md#ids-from-a-buffered-random-source).
 * 4 KiB at a time makes that rare.
 */
function bufferedRandom(): { nextUint32(): number } {
  const buffer = new Uint32Array(1024);
  let cursor = buffer.length;
  return {
    nextUint32() {
      if (cursor === buffer.length) {
        randomFillSync(buffer);
        cursor = 0;
      }
      return buffer[cursor++]!;
    },
  };
}

const generator = new V7Generator(bufferedRandom());

/** Time-ordered ids: newest-first keyset pagination is an index scan on the primary key. */
export const newId = (): string => generator.generate().toString();
