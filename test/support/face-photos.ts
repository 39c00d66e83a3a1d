import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/**
 * The labelled photos of fixtures/images/photos/: each `<name>.jpg` has its face boxes, marked by
 * hand, in `<name>.faces.json` beside it (fixtures/images/SOURCES.md says where each photo is from).
 */
export const FACE_PHOTOS_DIR = fileURLToPath(new URL('../../fixtures/images/photos/', import.meta.url));

/** The long side of the downscale the detector sees, and the narrowest face counted there (issue 61). */
export const DETECTOR_LONG_SIDE = 640;
export const SMALLEST_COUNTED_FACE = 24;

/** A face box as fractions (0..1) of the stored image's width and height, hairline to chin, ear to ear. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type PhotoKind = 'portrait' | 'group' | 'none';

export interface FacePhoto {
  path: string;
  /** The file name without `.jpg`. */
  name: string;
  width: number;
  height: number;
  faces: FaceBox[];
  kind: PhotoKind;
}

/**
 * A photo's kind follows from the boxes marked in it, so it is written nowhere else: no face is
 * `none`, one is a `portrait`, two or more a `group`.
 */
export function kindOf(faces: readonly FaceBox[]): PhotoKind {
  if (faces.length === 0) return 'none';
  return faces.length === 1 ? 'portrait' : 'group';
}

/** A face narrower than SMALLEST_COUNTED_FACE at the detector's size is reported apart, not counted. */
export function isSmallFace(photo: Pick<FacePhoto, 'width' | 'height'>, face: FaceBox): boolean {
  const scale = DETECTOR_LONG_SIDE / Math.max(photo.width, photo.height);
  return face.width * photo.width * scale < SMALLEST_COUNTED_FACE;
}

export const labelsPath = (photoPath: string) => photoPath.replace(/\.jpg$/, '.faces.json');

/** The photos in name order, each with its size and its boxes; throws if a photo has no labels file. */
export async function facePhotos(): Promise<FacePhoto[]> {
  const names = readdirSync(FACE_PHOTOS_DIR)
    .filter((file) => file.endsWith('.jpg'))
    .sort();
  return Promise.all(
    names.map(async (file) => {
      const path = join(FACE_PHOTOS_DIR, file);
      const { faces } = JSON.parse(readFileSync(labelsPath(path), 'utf8')) as { faces: FaceBox[] };
      const { width = 0, height = 0 } = await sharp(path).metadata();
      return { path, name: file.slice(0, -'.jpg'.length), width, height, faces, kind: kindOf(faces) };
    }),
  );
}

/** One labelled photo by name (`group-cafe`); refuses a name the fixtures lack. */
export async function facePhoto(name: string): Promise<FacePhoto> {
  const found = (await facePhotos()).find((p) => p.name === name);
  if (!found) throw new Error(`the labelled photo ${name} is missing`);
  return found;
}
