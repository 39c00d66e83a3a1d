import { describe, expect, it } from 'vitest';
import { detectFacesOfFile, FACE_MIN_CONFIDENCE } from '@darkroom/media';
import { iou } from '../../packages/media/src/classifier/test-faces.js';
import { type FacePhoto, facePhotos, isSmallFace } from '../support/face-photos.js';

/**
 * The face detector on the labelled photos (fixtures/images/photos, issue 61's goal): a counted face
 * (at least 24 px wide in the detector's 640 px downscale) is found where a box overlaps it at IoU
 * >= 0.4; the goal is 90 % of them, and no box at all on the photos without a face. Smaller faces
 * are reported apart. One photo without a face still gets a box (the back of a child's head): this
 * test holds the line there, the goal is none.
 */
const FACE_FREE_PHOTOS_WITH_A_BOX_AT_MOST = 1;
const OPTIONS = { maxInputPixels: 100_000_000, timeoutSeconds: 60 };
const MATCH_IOU = 0.4;

interface Scored {
  counted: number;
  found: number;
  small: number;
  smallFound: number;
  extra: number;
}

/** Greedy one-to-one matching, largest overlap first. */
function score(photo: FacePhoto, boxes: { x: number; y: number; width: number; height: number }[]): Scored {
  const pairs = photo.faces.flatMap((face, f) => boxes.map((box, b) => ({ f, b, overlap: iou(face, box) })));
  const usedFaces = new Set<number>();
  const usedBoxes = new Set<number>();
  for (const { f, b, overlap } of pairs.sort((p, q) => q.overlap - p.overlap)) {
    if (overlap < MATCH_IOU || usedFaces.has(f) || usedBoxes.has(b)) continue;
    usedFaces.add(f);
    usedBoxes.add(b);
  }
  const small = photo.faces.map((face) => isSmallFace(photo, face));
  const counted = small.filter((s) => !s).length;
  return {
    counted,
    found: [...usedFaces].filter((f) => !small[f]).length,
    small: photo.faces.length - counted,
    smallFound: [...usedFaces].filter((f) => small[f]).length,
    extra: boxes.length - usedBoxes.size,
  };
}

describe('face detection on the labelled photos', () => {
  it(`finds at least 90 % of the counted faces at IoU >= ${MATCH_IOU}, and hardly a box on the photos without one`, async () => {
    const photos = await facePhotos();
    const total: Scored = { counted: 0, found: 0, small: 0, smallFound: 0, extra: 0 };
    const rows: string[] = [];
    const falseOnNone: string[] = [];
    for (const photo of photos) {
      const boxes = await detectFacesOfFile(photo.path, OPTIONS);
      const s = score(photo, boxes);
      for (const key of Object.keys(total) as (keyof Scored)[]) total[key] += s[key];
      if (photo.kind === 'none' && boxes.length > 0) falseOnNone.push(photo.name);
      rows.push(`${photo.name.padEnd(34)} ${s.found}/${s.counted} counted, ${s.smallFound}/${s.small} small, ${s.extra} extra`);
    }
    const recall = total.found / total.counted;
    console.log(
      `faces at confidence ${FACE_MIN_CONFIDENCE}: ${total.found}/${total.counted} counted (${(recall * 100).toFixed(1)} %), ` +
        `${total.smallFound}/${total.small} small, ${total.extra} boxes matching no face\n${rows.join('\n')}`,
    );
    expect(photos.filter((p) => p.kind === 'none').length).toBeGreaterThan(0);
    expect(falseOnNone.length, falseOnNone.join(', ')).toBeLessThanOrEqual(FACE_FREE_PHOTOS_WITH_A_BOX_AT_MOST);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });
});
