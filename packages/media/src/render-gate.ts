import type { DecodeAdmission, ImageProbe } from './types.js';

/**
 * What a process (a worker, a delivery server) renders at once: at most `slots` renders (one per core: each render's
 * libvips runs one thread), and at most `maxPixels` source pixels between them. A job takes the
 * gate after its download and gives it back before its uploads, so the process can hold more jobs
 * than render slots: their I/O runs while the slots render, and no core waits on the network.
 *
 * The pixel cap bounds memory: with MAX_INPUT_PIXELS a 100 MP image never renders beside another
 * big one, which keeps the worker's peak memory within its goal
 * (docs/design/worker.md#render-slots-and-the-pixel-budget), while camera photos (8–24 MP) render
 * side by side on every core. A job larger than the whole pixel cap renders alone.
 */
export interface RenderGate {
  /**
   * Waits for a free slot and room for `pixels`, then holds them; call the returned function to give
   * them back. With `timeoutMs`, a wait longer than that rejects with RenderGateBusyError (and so does
   * joining a line already `maxWaiting` long).
   */
  acquire(pixels: number, options?: AcquireOptions): Promise<() => void>;
  /** A slot and `pixels` held at once when they are free and nobody waits for them; else null, and nothing waits. */
  tryAcquire(pixels: number): (() => void) | null;
  /**
   * Slots no render holds right now (a background render's counted as free), while no job waits and
   * at most half the pixel cap is in use: capacity a render may borrow to encode its variants in
   * parallel. A job arriving meanwhile is still let in; the cores are shared for the rest of that encode.
   */
  idleSlots(): number;
}

/** The class a render is admitted as: its AcquireOptions. */
type RenderClass = 'foreground' | 'background' | 'part';

export interface AcquireOptions {
  /** A wait longer than this rejects with RenderGateBusyError. */
  timeoutMs?: number;
  /**
   * Background work (the backfill lane: imports, preset backfills): it starts only while no other
   * render runs or waits, and the slot it holds is lent to another render's encodes, so an upload
   * arriving meanwhile renders as on an idle worker but for the background render's last moments.
   */
  background?: boolean;
  /**
   * A part of a long video's chunked ladder (the chunk queue's work, any tenant's): it starts only
   * while no foreground render waits, and a foreground render counts parts as holding at most
   * `slots` − 1 slots, so an upload arriving while parts fill every slot starts beside them (the
   * cores shared for its render) rather than waiting for a piece to end. A one-slot process thus
   * takes a part only while no other render waits, and lets any other render in beside it.
   */
  part?: boolean;
}

/** No slot freed up in time, or the line of waiting renders was full. */
export class RenderGateBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderGateBusyError';
  }
}

export interface RenderGateLimits {
  maxPixels: number;
  slots: number;
  /** Renders that may wait at once; the next one is refused at once (default: no bound, the worker's). */
  maxWaiting?: number;
}

export function createRenderGate(limits: RenderGateLimits): RenderGate {
  const { maxPixels, slots, maxWaiting = Number.POSITIVE_INFINITY } = limits;
  let pixelsInUse = 0;
  const running: Record<RenderClass, number> = { foreground: 0, background: 0, part: 0 };
  const waiting: Waiting[] = [];
  const foregroundWaiting = () => waiting.some((entry) => entry.kind === 'foreground');
  // A request on the server waits a bounded time in a bounded line: never an unbounded queue.
  const wait = (entry: Waiting, timeoutMs: number | undefined, reject: (error: Error) => void) => {
    if (waiting.length >= maxWaiting) return reject(new RenderGateBusyError(`${waiting.length} renders already wait for a slot`));
    waiting.push(entry);
    if (timeoutMs === undefined) return;
    const timer = setTimeout(() => {
      const index = waiting.indexOf(entry);
      if (index < 0) return;
      waiting.splice(index, 1);
      reject(new RenderGateBusyError(`no render slot within ${timeoutMs} ms`));
      pump(); // a big render leaving the head of the line may let smaller ones in
    }, timeoutMs);
    const grant = entry.grant;
    entry.grant = () => {
      clearTimeout(timer);
      grant();
    };
  };
  const fits = (pixels: number, kind: RenderClass) => {
    const total = running.foreground + running.background + running.part;
    if (kind === 'background' && (running.foreground > 0 || running.part > 0 || foregroundWaiting())) return false;
    if (kind === 'part' && foregroundWaiting()) return false;
    // Parts never hold a foreground render's last slot: it counts them as at most slots − 1.
    const counted = kind === 'foreground' ? total - running.part + Math.min(running.part, slots - 1) : total;
    return counted < slots && (total === 0 || pixelsInUse + Math.min(pixels, maxPixels) <= maxPixels);
  };
  const pump = () => {
    // First come, first served within a class: a big job at the head is not overtaken by small ones
    // forever; parts go once no foreground render waits, background work once no other waits.
    for (const kind of ['foreground', 'part', 'background'] as const) {
      for (let head = waiting.find((e) => e.kind === kind); head && fits(head.pixels, kind); ) {
        waiting.splice(waiting.indexOf(head), 1);
        head.grant();
        head = waiting.find((e) => e.kind === kind);
      }
    }
  };
  /** Holds a slot and `pixels` (at most the cap); returns the function that gives them back, once. */
  const hold = (pixels: number, kind: RenderClass) => {
    const held = Math.min(pixels, maxPixels);
    pixelsInUse += held;
    running[kind] += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      pixelsInUse -= held;
      running[kind] -= 1;
      pump();
    };
  };
  /** Whether a render of this class has others of its line (or a line it yields to) ahead of it. */
  const ahead = (kind: RenderClass) =>
    kind === 'foreground' ? foregroundWaiting() : kind === 'part' ? waiting.some((e) => e.kind !== 'background') : waiting.length > 0;
  return {
    acquire(pixels, options = {}) {
      const kind: RenderClass = options.part === true ? 'part' : options.background === true ? 'background' : 'foreground';
      return new Promise((resolve, reject) => {
        const grant = () => resolve(hold(pixels, kind));
        if (!ahead(kind) && fits(pixels, kind)) grant();
        else wait({ pixels, kind, grant }, options.timeoutMs, reject);
      });
    },
    tryAcquire: (pixels) => (!foregroundWaiting() && fits(pixels, 'foreground') ? hold(pixels, 'foreground') : null),
    idleSlots: () => (!foregroundWaiting() && pixelsInUse <= maxPixels / 2 ? Math.max(0, slots - running.foreground - running.part) : 0),
  };
}

interface Waiting {
  pixels: number;
  kind: RenderClass;
  grant: () => void;
}

/**
 * Waits for a decode's admission (`options.admit`: a worker's render gate) with the probed image's
 * pixels, so that every decode of an original, a render's or a check's, counts against the same
 * budget. Returns what to call once the decode is done (nothing to give back without one).
 */
export async function admitDecode(options: DecodeAdmission, probe: Pick<ImageProbe, 'width' | 'height'>): Promise<() => void> {
  return (await options.admit?.(probe.width * probe.height)) ?? (() => {});
}
