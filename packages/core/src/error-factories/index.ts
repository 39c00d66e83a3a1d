import { DELIVERY_ERRORS } from './delivery.js';
import { IMPORT_ERRORS } from './imports.js';
import { PRIVATE_MEDIA_ERRORS } from './private-media.js';
import { AUDIO_ERRORS, IMAGE_ERRORS, PROCESSING_ERRORS, VIDEO_ERRORS } from './media.js';
import { REQUEST_ERRORS } from './requests.js';
import { RESOURCE_ERRORS } from './resources.js';
import { UPLOAD_ERRORS } from './uploads.js';
import { USAGE_ERRORS } from './usage.js';

export type { DeliveryUnavailableReason } from './delivery.js';
export type { ImportSourceKind } from './imports.js';
export { formatDuration, SUPPORTED_FORMATS_SENTENCE } from './media.js';

/**
 * Every error Darkroom gives a tenant, an admin or a browser, as a factory that builds it with its
 * code (and so its HTTP status, `ErrorCode`), its sentence and its details: each sentence is written
 * here once, and a refusal anywhere is `throw ERRORS.presetNotFound(name)`. Grouped by concern in
 * this folder; no name is in two groups (index.test.ts).
 */
export const ERRORS = {
  ...REQUEST_ERRORS,
  ...RESOURCE_ERRORS,
  ...UPLOAD_ERRORS,
  ...USAGE_ERRORS,
  ...DELIVERY_ERRORS,
  ...PRIVATE_MEDIA_ERRORS,
  ...IMPORT_ERRORS,
  ...IMAGE_ERRORS,
  ...VIDEO_ERRORS,
  ...AUDIO_ERRORS,
  ...PROCESSING_ERRORS,
};
