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
/** The SSIM window's side; a box window (summed-area tables) rather than a Gaussian keeps it linear in pixels. */
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
  for (let i = 0, p = 0; i < count; i++, p += channels) {
    const alpha = channels === 4 ? (data[p + 3] as number) / 255 : 1;
    const r = (data[p] as number) * alpha + 255 * (1 - alpha);
    const g = (data[p + 1] as number) * alpha + 255 * (1 - alpha);
    const b = (data[p + 2] as number) * alpha + 255 * (1 - alpha);
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

/** Summed-area tables of a, b, a², b² and ab, one row and column larger than the plane. */
function summedAreas(a: Plane, b: Plane): Float64Array[] {
  const { width, height } = a;
  const stride = width + 1;
  const tables = Array.from({ length: 5 }, () => new Float64Array(stride * (height + 1)));
  const [sa, sb, saa, sbb, sab] = tables as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  for (let y = 0; y < height; y++) {
    let ra = 0;
    let rb = 0;
    let raa = 0;
    let rbb = 0;
    let rab = 0;
    for (let x = 0; x < width; x++) {
      const va = a.values[y * width + x] as number;
      const vb = b.values[y * width + x] as number;
      ra += va;
      rb += vb;
      raa += va * va;
      rbb += vb * vb;
      rab += va * vb;
      const at = (y + 1) * stride + x + 1;
      const above = y * stride + x + 1;
      sa[at] = (sa[above] as number) + ra;
      sb[at] = (sb[above] as number) + rb;
      saa[at] = (saa[above] as number) + raa;
      sbb[at] = (sbb[above] as number) + rbb;
      sab[at] = (sab[above] as number) + rab;
    }
  }
  return tables;
}

/**
 * 1 - SSIM over every window position (windows overlap by half), pooled by a 3-norm. A plane smaller
 * than one window is one window.
 */
function pooledDistance(a: Plane, b: Plane): number {
  const side = Math.min(WINDOW, a.width, a.height);
  const step = Math.max(1, side >> 1);
  const stride = a.width + 1;
  const [sa, sb, saa, sbb, sab] = summedAreas(a, b) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const area = side * side;
  const boxSum = (table: Float64Array, x: number, y: number) =>
    (table[(y + side) * stride + x + side] as number) -
    (table[y * stride + x + side] as number) -
    (table[(y + side) * stride + x] as number) +
    (table[y * stride + x] as number);
  let cubes = 0;
  let windows = 0;
  for (let y = 0; y + side <= a.height; y += step) {
    for (let x = 0; x + side <= a.width; x += step) {
      const meanA = boxSum(sa, x, y) / area;
      const meanB = boxSum(sb, x, y) / area;
      const varA = boxSum(saa, x, y) / area - meanA * meanA;
      const varB = boxSum(sbb, x, y) / area - meanB * meanB;
      const cov = boxSum(sab, x, y) / area - meanA * meanB;
      const ssim = ((2 * meanA * meanB + C1) * (2 * cov + C2)) / ((meanA * meanA + meanB * meanB + C1) * (varA + varB + C2));
      const distance = Math.max(0, 1 - ssim);
      cubes += distance * distance * distance;
      windows++;
    }
  }
  return Math.cbrt(cubes / Math.max(1, windows));
}
