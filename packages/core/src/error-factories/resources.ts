import { DarkroomError } from '../errors.js';

/** Refusals about what a request names: assets, jobs, tenants, keys, presets, webhooks, files. */
export const RESOURCE_ERRORS = {
  assetNotFound: () => new DarkroomError('not_found', 'No asset with that id.'),
  jobNotFound: () => new DarkroomError('not_found', 'No job with that id.'),
  tenantNotFound: () => new DarkroomError('not_found', 'No tenant with that id.'),
  keyTenantNotFound: () => new DarkroomError('not_found', 'No tenant for this key.'),
  activeKeyNotFound: () => new DarkroomError('not_found', 'No active key with that id.'),
  backfillNotFound: () => new DarkroomError('not_found', 'No backfill with that id.'),
  webhookNotFound: () => new DarkroomError('not_found', 'No webhook with that id.'),
  eventNotFound: () => new DarkroomError('not_found', 'No event with that id.'),
  fileNotFound: () => new DarkroomError('not_found', 'No such file.'),
  uploadPageNotInstalled: () => new DarkroomError('not_found', 'The upload page is not installed on this server.'),
  /** A name the deployment may have, but not as one of the tenant's own presets (which alone it may delete). */
  tenantPresetNotFound: (name: string) => new DarkroomError('not_found', `This tenant has no preset of its own named "${name}".`),
  tooManyTenantPresets: (maxPresets: number) =>
    new DarkroomError('invalid_state', `A tenant has at most ${maxPresets} presets of its own; delete one first.`, { maxPresets }),
  tooManyWebhooks: (limit: number) => new DarkroomError('invalid_state', `A tenant may have at most ${limit} webhooks; delete one first.`, { limit }),
  webhookUrlRefused: (problem: string) => new DarkroomError('invalid_request', `Refused webhook url: ${problem}.`, { field: 'url' }),
  webhookDisabled: () => new DarkroomError('invalid_state', 'That webhook is disabled; enable it (PATCH) before redelivering to it.'),
  /** `problem`: what `cropProblem` found, a sentence without its full stop. */
  cropOutsideImage: (problem: string) => new DarkroomError('invalid_request', `${problem}.`, { field: 'crop' }),
  framingOfVideoAsset: (kind: string) => new DarkroomError('invalid_state', 'Focus and crop apply to images; this asset is a video.', { kind }),
  cropOfUnreadyAsset: (status: string) => new DarkroomError('invalid_state', `Only a ready image can be cropped; this one is ${status}.`, { status }),
  facesOfUnreadyAsset: (status: string) =>
    new DarkroomError('invalid_state', `Only a ready asset's faces can be marked; this one is ${status}.`, { status }),
  visibilityOfUnreadyAsset: (status: string) =>
    new DarkroomError('invalid_state', `Only a ready asset's visibility can change; this one is ${status}.`, { status }),
  visibilityWithFraming: () =>
    new DarkroomError('invalid_request', 'Change visibility in a PATCH of its own: it cannot be combined with focus, crop or faces.', {
      field: 'visibility',
    }),
  assetChangedMeanwhile: () => new DarkroomError('invalid_state', 'The asset changed meanwhile; it is no longer ready.'),
  retryOfUnfailedJob: (state: string) => new DarkroomError('invalid_state', `Only failed jobs can be retried; this one is ${state}.`, { state }),
  reprocessOfUnfinishedAsset: (status: string) =>
    new DarkroomError('invalid_state', `Only ready or failed assets can be reprocessed; this one is ${status}.`, { status }),
  noOriginalToPreview: (status: string) => new DarkroomError('invalid_state', `This asset is ${status}: it has no original to preview.`, { status }),
  noPreviewOfModeratedAsset: (status: string) =>
    new DarkroomError('invalid_state', `This asset is ${status}: its original is not previewed; its private links show what it rendered.`, {
      status,
    }),
  originalTooLargeToPreview: (size: number, maxBytes: number) =>
    new DarkroomError('file_too_large', `The original is ${size} bytes; previews are made of originals up to ${maxBytes} bytes.`),
  originalMissing: () => new DarkroomError('not_found', 'The original is missing from the bucket.'),
  decisionOnUndecidableAsset: (status: string, decision: string) =>
    new DarkroomError(
      'invalid_state',
      `A held asset can be approved or rejected, a ready one rejected; this one is ${status}, so it cannot be ${decision === 'approve' ? 'approved' : 'rejected'}.`,
      { status, decision },
    ),
  approvedAlready: () =>
    new DarkroomError('invalid_state', 'This held asset is approved already: it is being published.', { status: 'held', decision: 'approve' }),
  deploymentHoldForAdmins: () => new DarkroomError('forbidden', "This asset is held by the deployment's blocklist: only an admin can decide on it."),
  restoreAfterPurge: () =>
    new DarkroomError('invalid_state', 'The original of this rejected asset has left quarantine: it can no longer be restored.'),
  noHashesToBlock: (status: string) =>
    new DarkroomError('invalid_state', `This asset (${status}) has no perceptual hashes yet: block it once its checks have run.`, { status }),
  blocklistFull: (maxEntries: number) =>
    new DarkroomError('invalid_state', `A blocklist holds at most ${maxEntries} entries; delete some first.`, { maxEntries }),
  blocklistEntryNotFound: () => new DarkroomError('not_found', 'No blocklist entry with that id.'),
};
