/**
 * A perceptual distance between two images of one size, for `q_auto`'s search (auto-quality.ts): 0 for
 * identical pixels, growing with visible damage. Structural similarity (SSIM) of luma at two scales
 * plus that of chroma at half size, each map turned into a distance (1 - SSIM) and pooled by a 3-norm:
 * like butteraugli's 3-norm, which the targets are calibrated against (bench/qauto-calibrate.ts), the
 * pooling weighs the worst regions (a face gone blocky) above the average, so a large easy sky cannot
 * hide them.
 */

/** Raw interleaved 8-bit pixels, 3 (RGB) or 4 (RGBA) channels. */
export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

interface Plane {
  values: Float32Array;
  width: number;
  height: number;
}

// Standard SSIM stabilisers for an 8-bit range: (0.01 × 255)² and (0.03 × 255)².
const C1 = 6.5025;
const C2 = 58.5225;
/** The SSIM window's side; a box window (sums over blocks) rather than a Gaussian keeps it linear in pixels. */
const WINDOW = 8;
/** How much each term counts: luma at full and half scale, then chroma (which the eye resolves less finely). */
const WEIGHTS = { fine: 0.5, coarse: 0.3, chroma: 0.2 };

/** The distance between `reference` and `distorted` (same size and channels). */
export function perceptualDistance(reference: RawPixels, distorted: RawPixels): number {
  if (reference.width !== distorted.width || reference.height !== distorted.height) {
    throw new RangeError('perceptualDistance compares images of one size');
  }
  const a = planesOf(reference);
  const b = planesOf(distorted);
  const fine = pooledDistance(a.luma, b.luma);
  const coarse = pooledDistance(halve(a.luma), halve(b.luma));
  const chroma = Math.max(pooledDistance(halve(a.cb), halve(b.cb)), pooledDistance(halve(a.cr), halve(b.cr)));
  return WEIGHTS.fine * fine + WEIGHTS.coarse * coarse + WEIGHTS.chroma * chroma;
}

/**
 * Luma and chroma (BT.601) of the pixels as a viewer sees them: transparent pixels over white, as a
 * browser page most often shows them and as JPEG flattens them.
 */
function planesOf(image: RawPixels): { luma: Plane; cb: Plane; cr: Plane } {
  const { data, width, height, channels } = image;
  const count = width * height;
  const luma = new Float32Array(count);
  const cb = new Float32Array(count);
  const cr = new Float32Array(count);
  const opaque = channels !== 4;
  for (let i = 0, p = 0; i < count; i++, p += channels) {
    let r = data[p] as number;
    let g = data[p + 1] as number;
    let b = data[p + 2] as number;
    const alpha = opaque ? 255 : (data[p + 3] as number);
    if (alpha !== 255) {
      const over = 255 - alpha;
      r = (r * alpha) / 255 + over;
      g = (g * alpha) / 255 + over;
      b = (b * alpha) / 255 + over;
    }
    luma[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    cb[i] = -0.168736 * r - 0.331264 * g + 0.5 * b;
    cr[i] = 0.5 * r - 0.418688 * g - 0.081312 * b;
  }
  const plane = (values: Float32Array): Plane => ({ values, width, height });
  return { luma: plane(luma), cb: plane(cb), cr: plane(cr) };
}

/** The plane at half size, each output the mean of a 2×2 block (an odd last row or column dropped). */
function halve(plane: Plane): Plane {
  const width = Math.max(1, plane.width >> 1);
  const height = Math.max(1, plane.height >> 1);
  if (plane.width < 2 || plane.height < 2) return plane;
  const values = new Float32Array(width * height);
  const source = plane.values;
  for (let y = 0; y < height; y++) {
    const top = 2 * y * plane.width;
    const bottom = top + plane.width;
    for (let x = 0; x < width; x++) {
      const left = 2 * x;
      values[y * width + x] =
        ((source[top + left] as number) +
          (source[top + left + 1] as number) +
          (source[bottom + left] as number) +
          (source[bottom + left + 1] as number)) /
        4;
    }
  }
  return { values, width, height };
}

/**
 * Sums of a, b, a², b² and ab over each `block`-square block (5 values per block, row by row; a
 * partial last row or column of blocks dropped): every window is whole blocks, so one pass over the
 * pixels serves all the windows that overlap.
 */
function blockSums(a: Plane, b: Plane, block: number): { sums: Float64Array; across: number; down: number } {
  const { width } = a;
  const across = Math.floor(width / block);
  const down = Math.floor(a.height / block);
  const sums = new Float64Array(across * down * 5);
  for (let y = 0; y < down * block; y++) {
    const row = y * width;
    let at = Math.floor(y / block) * across * 5;
    for (let bx = 0; bx < across; bx++, at += 5) {
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let x = row + bx * block, end = x + block; x < end; x++) {
        const va = a.values[x] as number;
        const vb = b.values[x] as number;
        sa += va;
        sb += vb;
        saa += va * va;
        sbb += vb * vb;
        sab += va * vb;
      }
      sums[at] = (sums[at] as number) + sa;
      sums[at + 1] = (sums[at + 1] as number) + sb;
      sums[at + 2] = (sums[at + 2] as number) + saa;
      sums[at + 3] = (sums[at + 3] as number) + sbb;
      sums[at + 4] = (sums[at + 4] as number) + sab;
    }
  }
  return { sums, across, down };
}

const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));

/**
 * 1 - SSIM over every window position (windows overlap by half), pooled by a 3-norm. A plane smaller
 * than one window is one window.
 */
function pooledDistance(a: Plane, b: Plane): number {
  const side = Math.min(WINDOW, a.width, a.height);
  const step = Math.max(1, side >> 1);
  // Blocks that tile both a window and the step between windows: the step itself for an even side.
  const block = gcd(side, step);
  const { sums, across, down } = blockSums(a, b, block);
  const span = side / block;
  const hop = step / block;
  const area = side * side;
  const total = [0, 0, 0, 0, 0];
  let cubes = 0;
  let windows = 0;
  for (let wy = 0; wy * hop + span <= down; wy++) {
    for (let wx = 0; wx * hop + span <= across; wx++) {
      total.fill(0);
      for (let by = wy * hop; by < wy * hop + span; by++) {
        for (let at = (by * across + wx * hop) * 5, end = at + span * 5; at < end; at += 5) {
          for (let k = 0; k < 5; k++) total[k] = (total[k] as number) + (sums[at + k] as number);
        }
      }
      const [sumA, sumB, sumAA, sumBB, sumAB] = total as [number, number, number, number, number];
      const meanA = sumA / area;
      const meanB = sumB / area;
      const varA = sumAA / area - meanA * meanA;
      const varB = sumBB / area - meanB * meanB;
      const cov = sumAB / area - meanA * meanB;
      const ssim = ((2 * meanA * meanB + C1) * (2 * cov + C2)) / ((meanA * meanA + meanB * meanB + C1) * (varA + varB + C2));
      const distance = Math.max(0, 1 - ssim);
      cubes += distance * distance * distance;
      windows++;
    }
  }
  return Math.cbrt(cubes / Math.max(1, windows));
}
