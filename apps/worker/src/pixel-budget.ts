/**
 * How many source pixels this worker process decodes at once. Jobs past the budget wait for the
 * renders before them to finish; a job larger than the whole budget runs alone. With a budget of
 * MAX_INPUT_PIXELS a 100 MP image never renders beside another big one: over 208 jobs with two
 * 100 MP images the worker's peak RSS stayed under 350 MB (README, Performance), while camera
 * photos (8–24 MP) still render side by side on every core.
 */
export interface PixelBudget {
  /** Waits until `pixels` fit, then holds them; call the returned function to give them back. */
  acquire(pixels: number): Promise<() => void>;
}

export function createPixelBudget(capacity: number): PixelBudget {
  let inUse = 0;
  const waiting: { pixels: number; grant: () => void }[] = [];
  const fits = (pixels: number) => inUse === 0 || inUse + Math.min(pixels, capacity) <= capacity;
  const pump = () => {
    // First come, first served: a big job at the head is not overtaken by small ones forever.
    while (waiting.length > 0 && fits(waiting[0]!.pixels)) waiting.shift()!.grant();
  };
  return {
    acquire(pixels) {
      const held = Math.min(pixels, capacity);
      return new Promise((resolve) => {
        const grant = () => {
          inUse += held;
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            inUse -= held;
            pump();
          });
        };
        if (waiting.length === 0 && fits(pixels)) grant();
        else waiting.push({ pixels, grant });
      });
    },
  };
}
