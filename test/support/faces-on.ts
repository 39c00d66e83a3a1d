import { FACE_MIN_CONFIDENCE } from '@darkroom/media';

/** A harness's env with the face search on at its default confidence (test-env.ts turns it off elsewhere). */
export const facesSearched = { FACE_DETECTION: String(FACE_MIN_CONFIDENCE) } as const;
