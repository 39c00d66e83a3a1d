/** Face helpers shared by the media, worker and end-to-end tests (not shipped: test-*.ts). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Box } from './face-ssd.js';

export type { Box } from './face-ssd.js';
export { iou } from './face-verify.js';

/** A labelled photo (fixtures/images/photos, SOURCES.md): one baby's face, a quarter of its width. */
export const PORTRAIT_PHOTO = fileURLToPath(new URL('../../../../fixtures/images/photos/portrait-baby.jpg', import.meta.url));

/** The boxes marked by hand beside a labelled photo (`<name>.faces.json`). */
export function labelledFaces(photo: string): Box[] {
  return (JSON.parse(readFileSync(photo.replace(/\.jpg$/, '.faces.json'), 'utf8')) as { faces: Box[] }).faces;
}
