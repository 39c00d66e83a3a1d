import { variantScale, variantSize, type Size } from '../geometry.js';
import { availableFilters } from './ffmpeg.js';
import type { VideoProbe, VideoRenditionSpec } from './types.js';

/**
 * The frame geometry of a rendition, decided here (not left to ffmpeg) with the image pipeline's
 * rules (geometry.ts): never enlarged, `cover` always has the box's aspect ratio. H.264 and VP9 in
 * 4:2:0 need even sides, so each side is then rounded down to even (at least 2).
 */
export interface FramePlan {
  /** What ffmpeg scales the upright frame to before cropping (equal to `output` for `inside`). */
  scaled: Size;
  output: Size;
}

type Box = Pick<VideoRenditionSpec, 'fit' | 'width' | 'height'>;

export function planFrame(box: Box, source: Size): FramePlan {
  // A missing side is unbounded; "cover" a half-open box means nothing, so it behaves as "inside".
  const fit = box.width === undefined || box.height === undefined ? 'inside' : box.fit;
  const full = { fit, width: box.width ?? source.width, height: box.height ?? source.height };
  const output = evenSize(variantSize(full, source));
  if (fit === 'inside') return { scaled: output, output };
  const scale = variantScale(full, source);
  // Scaled up to at least the output on both sides, so the centred crop never has to pad.
  const scaled = {
    width: Math.max(output.width, Math.round(source.width * scale)),
    height: Math.max(output.height, Math.round(source.height * scale)),
  };
  return { scaled, output };
}

function evenSize(size: Size): Size {
  return { width: even(size.width), height: even(size.height) };
}

function even(n: number): number {
  return Math.max(2, n - (n % 2));
}

/**
 * The size of the frames ffmpeg hands the filters: the stored ones, turned upright. It differs from
 * the displayed size when pixels aren't square.
 */
export function uprightStoredSize(probe: VideoProbe): Size {
  const turned = probe.rotation === 90 || probe.rotation === 270;
  return turned ? { width: probe.codedHeight, height: probe.codedWidth } : { width: probe.codedWidth, height: probe.codedHeight };
}

/** zscale's names for the transfer functions ffprobe reports as `hdr`. */
const TRANSFER = { hlg: 'arib-std-b67', pq: 'smpte2084' } as const;

/**
 * HDR (HLG or PQ on BT.2020) to SDR BT.709: to linear light, to BT.709 primaries, Hable's curve
 * (keeps highlight detail where a clip would blow out skies), then BT.709 gamma in limited range.
 * The input's colour description is given explicitly because phones' files don't always tag it.
 */
export function toneMapFilter(hdr: 'hlg' | 'pq'): string {
  return [
    `zscale=tin=${TRANSFER[hdr]}:pin=bt2020:min=bt2020nc:rin=tv:t=linear:npl=100`,
    'format=gbrpf32le',
    'zscale=p=bt709',
    'tonemap=tonemap=hable:desat=0',
    'zscale=t=bt709:m=bt709:r=tv',
  ].join(',');
}

/** The filters tone-mapping needs; Debian's ffmpeg has them (zscale through libzimg), other builds may not. */
const TONE_MAP_FILTERS = ['zscale', 'tonemap'] as const;

export async function canToneMap(): Promise<boolean> {
  const filters = await availableFilters();
  return TONE_MAP_FILTERS.every((name) => filters.has(name));
}

export interface VideoFilterPlan {
  filter: string;
  frame: FramePlan;
  toneMapped: boolean;
  hdrKept: boolean;
}

/**
 * The -vf chain for an upright frame (ffmpeg has already applied the rotation by the time the
 * chain runs): scale, centre-crop for `cover`, square pixels, HDR to SDR when possible, then
 * 8-bit 4:2:0, which every browser decodes.
 */
export function videoFilter(probe: VideoProbe, box: Box, canToneMap: boolean): VideoFilterPlan {
  const frame = planFrame(box, { width: probe.width, height: probe.height });
  const steps: string[] = [];
  const { scaled, output } = frame;
  const upright = uprightStoredSize(probe);
  if (scaled.width !== upright.width || scaled.height !== upright.height) {
    steps.push(`scale=${scaled.width}:${scaled.height}:flags=lanczos`);
  }
  if (output.width !== scaled.width || output.height !== scaled.height) {
    steps.push(`crop=${output.width}:${output.height}`); // centred by default
  }
  steps.push('setsar=1');
  const toneMapped = probe.hdr !== null && canToneMap;
  if (probe.hdr !== null && canToneMap) steps.push(toneMapFilter(probe.hdr));
  steps.push('format=yuv420p');
  return { filter: steps.join(','), frame, toneMapped, hdrKept: probe.hdr !== null && !canToneMap };
}
