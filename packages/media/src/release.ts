/** Below this a Buffer may share its memory with others (Node's pool): never released. */
const OWN_MEMORY_BYTES = 64 * 1024;

/**
 * Frees a large Buffer's memory now rather than at the garbage collector's next full collection:
 * decoded pixels and encoded variants live outside V8's heap, held by small objects that only a
 * full collection finds dead, and until then they sat under the next render
 * (docs/design/worker.md#garbage-after-a-render). Its ArrayBuffer is detached (every view of it reads
 * as empty from then on), so call it only once nothing will read the bytes again. A Buffer that
 * is a view into shared memory, small, or released already is left alone.
 */
export function releaseBuffer(data: Buffer): void {
  if (!(data.buffer instanceof ArrayBuffer)) return;
  // ES2024's ArrayBuffer.prototype.transfer and detached (Node 20+), beyond the ES2023 lib the packages build with.
  const memory = data.buffer as ArrayBuffer & { readonly detached: boolean; transfer(length: number): ArrayBuffer };
  if (memory.detached || data.byteOffset !== 0 || data.byteLength !== memory.byteLength || memory.byteLength < OWN_MEMORY_BYTES) return;
  memory.transfer(0);
}
