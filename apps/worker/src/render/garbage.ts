import { collect } from '@darkroom/storage';

/** Memory outside V8's heap that may wait for a later render's collection; at or over it, this one collects. */
export const RENDER_GARBAGE_BYTES = 32 * 1024 * 1024;

/**
 * Frees what renders left behind. Their decoded pixels and encoded variants are freed as soon as
 * they are done with (releaseBuffer); what else a render holds outside V8's heap (sharp's input
 * and output objects, a download's last chunks) is held by a few small objects that have usually
 * lived through a young collection or two by the time a render ends, so only a full collection
 * finds them dead, and V8 runs one by itself only once about 64 MB has piled up. A full collection
 * is a fixed cost of the JS heap's size, not of the render's, so it runs only once the memory held
 * outside the heap (live or dead: `external`, which counts sharp's buffers as `arrayBuffers` does
 * not) reaches `RENDER_GARBAGE_BYTES` (docs/design/worker.md#garbage-after-a-render).
 */
export function collectRenderGarbage(externalBytes: () => number = () => process.memoryUsage().external): void {
  if (externalBytes() >= RENDER_GARBAGE_BYTES) collect('major');
}
