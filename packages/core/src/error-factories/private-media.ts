import { DarkroomError } from '../errors.js';

/** Refusals of a private URL (`/p/{exp}/{sig}/{assetId}/{rest}`) by the delivery server. */
export const PRIVATE_MEDIA_ERRORS = {
  linkExpired: () => new DarkroomError('expired', 'This link has expired: ask for a new one.'),
  linkNotValid: () => new DarkroomError('forbidden', 'This link is not valid.'),
  noSuchFile: () => new DarkroomError('not_found', 'No such file.'),
  lookupsBusy: () => new DarkroomError('busy', 'Too many new assets asked for at once; try again in a second.', { reason: 'lookups_busy' }),
};
