import { DarkroomError } from '../errors.js';

/** Longest option token quoted back in a message (and kept in `details.option`). */
const QUOTE_MAX = 40;
const quote = (token: string) => JSON.stringify(token.length > QUOTE_MAX ? `${token.slice(0, QUOTE_MAX)}…` : token);
const badOption = (message: string, token: string) => new DarkroomError('invalid_request', message, { option: token.slice(0, QUOTE_MAX) });

/**
 * Why a delivery answers `unavailable` or `busy` (503), in `details.reason`: the delivery server's answer
 * headers say how long each asks a client to wait (Retry-After).
 */
export type DeliveryUnavailableReason = 'still_rendering' | 'render_too_slow' | 'render_slots_busy' | 'storage_unavailable' | 'lookups_busy';
const unavailable = (reason: DeliveryUnavailableReason, message: string) => new DarkroomError('unavailable', message, { reason });

/** Refusals of an image request to the delivery server, and of its options segment. */
export const DELIVERY_ERRORS = {
  noSuchImage: () => new DarkroomError('not_found', 'No such image.'),
  unsignedOutsidePolicy: () => new DarkroomError('forbidden', "These options are outside the tenant's delivery policy: the URL must be signed."),
  signatureMismatch: () => new DarkroomError('forbidden', 'The signature does not match this URL.'),
  stillRendering: () => unavailable('still_rendering', 'The image is still being rendered; try again shortly.'),
  renderTooSlow: () => unavailable('render_too_slow', 'The image took too long to render; try again shortly.'),
  renderSlotsBusy: () => unavailable('render_slots_busy', 'Every render slot is busy; try again shortly.'),
  deliveryStorageUnavailable: () => unavailable('storage_unavailable', 'Storage is not answering; try again shortly.'),
  rendersRateLimited: (limit: number, retryAfterSeconds: number) =>
    new DarkroomError('rate_limited', `More than ${limit} renders this minute; stored images are still served.`, { retryAfterSeconds }),
  /** Inside the delivery server only: it answers `renderTooSlow`. */
  renderPastLimit: (limitMs: number) => new DarkroomError('render_timeout', `The render ran past ${limitMs} ms.`),
  optionOutOfRange: (token: string, min: number, max: number) =>
    badOption(`Option ${quote(token)} is out of range: a whole number from ${min} to ${max}.`, token),
  optionNotOneDecimal: (token: string, min: number, max: number) =>
    badOption(`Option ${quote(token)} is out of range: a number from ${min} to ${max} with at most one decimal and no trailing zero.`, token),
  effectNotOneOf: (token: string, effects: readonly string[], min: number, max: number) =>
    badOption(
      `Option ${quote(token)} is not an effect: one of ${effects.map((e) => `e_${e}`).join(', ')}, optionally followed by "-" and a strength from ${min} to ${max}.`,
      token,
    ),
  /** `words`: the whole tokens it may be besides a number, e.g. `q_auto`. */
  qualityNotValid: (token: string, min: number, max: number, words: readonly string[]) =>
    badOption(`Option ${quote(token)} is not a quality: a whole number from ${min} to ${max}, or one of ${words.join(', ')}.`, token),
  /** `choices`: the whole tokens it may be, e.g. `c_inside`, `c_cover`. */
  optionNotOneOf: (token: string, choices: readonly string[]) => badOption(`Option ${quote(token)} is not one of ${choices.join(', ')}.`, token),
  optionTwice: (key: string, token: string) => badOption(`Option ${quote(key)} is given twice (${quote(token)}); give each at most once.`, token),
  unknownOption: (token: string) =>
    badOption(`Unknown option ${quote(token)}: options are w_, h_, c_, g_, q_, f_, dpr_, z_ and e_ tokens separated by commas.`, token),
  coverWithoutBothSides: () => badOption('Option "c_cover" needs both w_ and h_.', 'c_cover'),
};
