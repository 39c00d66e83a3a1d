import { DarkroomError } from '../errors.js';

/** Refusals of an upload: its start, its bytes, its resumption and its completion, and upload tokens. */
export const UPLOAD_ERRORS = {
  typeNotAccepted: (contentType: string, accepted: readonly string[]) =>
    new DarkroomError('unsupported_media_type', `${contentType} is not accepted. Accepted types: ${accepted.join(', ')}.`, { accepted }),
  fileTooLarge: (size: number, maxBytes: number) =>
    new DarkroomError('file_too_large', `The file is ${size} bytes; the limit is ${maxBytes} bytes.`, { maxBytes }),
  framingOfVideo: (field: 'focus' | 'crop') =>
    new DarkroomError('invalid_request', 'Focus and crop apply to images; leave them out for a video.', { field }),
  presetNotFound: (name: string) => new DarkroomError('preset_not_found', `There is no preset named "${name}".`),
  blankFilename: () => new DarkroomError('invalid_request', 'filename must not be blank.'),
  filenameControlCharacters: () => new DarkroomError('invalid_request', 'filename must not contain control characters.'),
  filenameWithPath: () => new DarkroomError('invalid_request', 'filename must be a bare file name, without "/" or "\\".'),
  metadataTooDeep: (maxDepth: number) => new DarkroomError('invalid_request', `metadata nests deeper than ${maxDepth} levels.`),
  metadataTooLarge: (bytes: number, maxBytes: number) =>
    new DarkroomError('invalid_request', `metadata is ${bytes} bytes as JSON; at most ${maxBytes} are kept.`),
  /** `action`: what was asked of the upload, as a past participle ("resumed", "aborted"). */
  notAwaitingUpload: (action: string, status: string) =>
    new DarkroomError('invalid_state', `Only an upload awaiting its bytes can be ${action}; this asset is ${status}.`, { status }),
  uploadExpired: () => new DarkroomError('invalid_state', 'This upload has expired; start a new upload.', { status: 'expired' }),
  uploadAlreadyFinished: (status: string) => new DarkroomError('invalid_state', `The upload was already ${status}; start a new upload.`, { status }),
  confirmedWithoutJob: (status: string) => new DarkroomError('invalid_state', `The asset is ${status} and has no job.`, { status }),
  notMultipart: (status: string) =>
    new DarkroomError('invalid_state', 'This is a single PUT upload, not a multipart one: POST /v1/uploads/:assetId/url for a new URL.', {
      status,
    }),
  nothingToSign: (status: string) =>
    new DarkroomError('invalid_state', 'This is a single PUT upload, not a multipart one: there is nothing to list or complete.', { status }),
  isMultipart: (status: string) =>
    new DarkroomError('invalid_state', "This is a multipart upload: GET /v1/uploads/:assetId/parts for the missing parts' URLs.", { status }),
  uploadGone: () => new DarkroomError('upload_missing', 'The bucket no longer holds this upload; start a new upload.'),
  nothingUploaded: () => new DarkroomError('upload_missing', 'Nothing was uploaded yet: PUT the file to the upload URL first.'),
  partsOfPutUpload: () => new DarkroomError('invalid_request', 'parts is only for multipart uploads; send {} for a PUT upload.'),
  partsMissing: () => new DarkroomError('invalid_request', 'parts is required for a multipart upload: send each partNumber with its ETag.'),
  partsNotAssembled: (reason: string | null) =>
    new DarkroomError(
      'upload_missing',
      'The bucket could not assemble the parts: check that every part was uploaded and that each ETag is the one its PUT returned.',
      { reason },
    ),
  sizeMismatch: (declared: number, actual: number) =>
    new DarkroomError('size_mismatch', `The uploaded object is ${actual} bytes, but ${declared} were declared.`, { declared, actual }),
  contentMismatch: (declared: string, detected: string | null) => {
    const what = detected ? `${/^[aeiou]/.test(detected) ? 'an' : 'a'} ${detected} file` : 'not an image, video or audio file of a known type';
    return new DarkroomError('content_mismatch', `The upload was declared ${declared}, but its content is ${what}.`, { declared, detected });
  },
  tokenSizeWider: (requested: number, maxBytes: number) =>
    new DarkroomError('invalid_request', `maxUploadBytes is ${requested}; this tenant's uploads are limited to ${maxBytes} bytes.`, { maxBytes }),
  tokenTypesWider: (refused: readonly string[], accepted: readonly string[]) =>
    new DarkroomError(
      'invalid_request',
      `acceptedContentTypes names ${refused.join(', ')}, which this tenant does not accept. Accepted types: ${accepted.join(', ')}.`,
      { accepted },
    ),
  tokenMetadataTakesClientKey: (clientKey: string) =>
    new DarkroomError('invalid_request', `metadata.${clientKey} is the browser's own key; give the token's metadata other keys.`),
  tokenVisibilityForced: (visibility: string) =>
    new DarkroomError('forbidden', `This upload token's uploads are ${visibility}; leave visibility out, or ask for ${visibility}.`, { visibility }),
  tokenPresetForced: (preset: string) =>
    new DarkroomError('invalid_request', `This upload token's uploads use the preset "${preset}"; leave preset out.`, { preset }),
  tokenMetadataOutsideClientKey: (clientKey: string, fields: string[]) =>
    new DarkroomError(
      'invalid_request',
      `An upload token's uploads may add metadata only under metadata.${clientKey}; not ${fields.map((k) => `"${k}"`).join(', ')}.`,
      { fields },
    ),
  tokenUploadsUsedUp: (limit: number) =>
    new DarkroomError('rate_limited', `This upload token may start ${limit} uploads, and has started them all; ask for a new one.`, { limit }),
};
