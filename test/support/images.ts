import { fileURLToPath } from 'node:url';
import sharp, { type Metadata } from 'sharp';

export const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/images/${name}`, import.meta.url));

export interface FetchedVariant {
  status: number;
  headers: Headers;
  data: Buffer;
  meta: Metadata;
}

/** Downloads a variant by its public URL, without credentials, as a browser or CDN would. */
export async function fetchVariant(url: string): Promise<FetchedVariant> {
  const res = await fetch(url);
  const data = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status, headers: res.headers, data, meta: {} as Metadata };
  return { status: res.status, headers: res.headers, data, meta: await sharp(data).metadata() };
}

/** A 16x12 greyscale print of an image, for comparing what two images show regardless of size. */
export async function thumbprint(data: Buffer): Promise<Buffer> {
  return sharp(data).greyscale().resize(16, 12, { fit: 'fill' }).raw().toBuffer();
}

export function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i]! - b[i]!);
  return total / a.length;
}
