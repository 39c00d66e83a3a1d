/**
 * What this worker process renders at once: at most `slots` renders (one per core: each render's
 * libvips runs one thread), and at most `maxPixels` source pixels between them. A job takes the
 * gate after its download and gives it back before its uploads, so the process can hold more jobs
 * than render slots: their I/O runs while the slots render, and no core waits on the network.
 *
 * The pixel cap bounds memory: with MAX_INPUT_PIXELS a 100 MP image never renders beside another
 * big one, which keeps the worker's peak memory within its goal
 * (docs/performance.md#render-slots-and-the-pixel-budget), while camera photos (8–24 MP) render
 * side by side on every core. A job larger than the whole pixel cap renders alone.
 */
export interface RenderGate {
  /** Waits for a free slot and room for `pixels`, then holds them; call the returned function to give them back. */
  acquire(pixels: number): Promise<() => void>;
  /**
   * Slots no render holds right now, while no job waits and at most half the pixel cap is in use:
   * capacity a render may borrow to encode its variants in parallel. A job arriving meanwhile is
   * still let in; the cores are shared for the rest of that encode.
   */
  idleSlots(): number;
}

export function createRenderGate(limits: { maxPixels: number; slots: number }): RenderGate {
  const { maxPixels, slots } = limits;
  let pixelsInUse = 0;
  let running = 0;
  const waiting: { pixels: number; grant: () => void }[] = [];
  const fits = (pixels: number) => running < slots && (running === 0 || pixelsInUse + Math.min(pixels, maxPixels) <= maxPixels);
  const pump = () => {
    // First come, first served: a big job at the head is not overtaken by small ones forever.
    while (waiting.length > 0 && fits(waiting[0]!.pixels)) waiting.shift()!.grant();
  };
  return {
    acquire(pixels) {
      const held = Math.min(pixels, maxPixels);
      return new Promise((resolve) => {
        const grant = () => {
          pixelsInUse += held;
          running += 1;
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            pixelsInUse -= held;
            running -= 1;
            pump();
          });
        };
        if (waiting.length === 0 && fits(pixels)) grant();
        else waiting.push({ pixels, grant });
      });
    },
    idleSlots: () => (waiting.length === 0 && pixelsInUse <= maxPixels / 2 ? slots - running : 0),
  };
}
