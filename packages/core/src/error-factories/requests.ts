import { DarkroomError } from '../errors.js';

/** Refusals of a request as such: who sent it, how it was sent, and the server's own state. */
export const REQUEST_ERRORS = {
  unauthorized: () =>
    new DarkroomError(
      'unauthorized',
      'Send a valid API key or upload token as "Authorization: Bearer <key>"; this one is missing, unknown, expired or revoked.',
    ),
  /** A tenant route's handler ran without a tenant principal: a route wired without `requireTenant`. */
  noTenantKey: () => new DarkroomError('unauthorized', 'No tenant key on this request.'),
  tenantGone: () => new DarkroomError('unauthorized', 'This key’s tenant no longer exists.'),
  adminOnTenantRoute: () => new DarkroomError('forbidden', 'This route takes a tenant API key; admin tokens own no assets.'),
  uploadTokenNotAllowed: () =>
    new DarkroomError(
      'forbidden',
      'An upload token may only start, resume, complete, abort and follow its own uploads; this route takes a tenant API key.',
    ),
  visibilityByUploadToken: () =>
    new DarkroomError('forbidden', "An asset's visibility is changed with a tenant API key; an upload token may not change it."),
  facesByUploadToken: () => new DarkroomError('forbidden', "An asset's faces are marked with a tenant API key; an upload token may not change them."),
  adminOnly: () => new DarkroomError('forbidden', 'This route is for admins only.'),
  // The admin console's login page shows these sentences, with their codes' statuses.
  consoleLoginNeeded: () => new DarkroomError('unauthorized', 'Log in with an admin token to open the admin console.'),
  consoleLoginFromAnotherSite: () => new DarkroomError('forbidden', 'Log in from the admin console’s own page.'),
  consoleLoginsRateLimited: (retryAfterSeconds: number) =>
    new DarkroomError('rate_limited', `Too many failed logins from this address; try again in ${Math.ceil(retryAfterSeconds / 60)} min.`, {
      retryAfterSeconds,
    }),
  notAnAdminToken: () => new DarkroomError('unauthorized', 'That is not an admin token (ADMIN_TOKEN or an admin key).'),
  csrfHeaderMissing: (header: string) =>
    new DarkroomError('forbidden', `A request signed in by the admin console cookie that changes state must send "${header}: 1".`),
  originNotAllowed: () => new DarkroomError('forbidden', 'This origin may not call the API from a browser (CORS_ORIGINS).'),
  noRoute: (method: string, path: string) => new DarkroomError('not_found', `No route ${method} ${path}.`),
  noBrowserRoute: (method: string, path: string) => new DarkroomError('not_found', `No route ${method} ${path} for a browser.`),
  idTooLong: () => new DarkroomError('not_found', 'No such resource: that id is too long to be one.'),
  keyRateLimited: (limit: number, retryAfterSeconds: number) =>
    new DarkroomError('rate_limited', `This API key made more than ${limit} requests this minute; try again in ${retryAfterSeconds} s.`, {
      limit,
      retryAfterSeconds,
    }),
  /** A refusal whose sentence another check already wrote for people (a cursor's, the HTTP parser's). */
  invalidRequest: (message: string) => new DarkroomError('invalid_request', message),
  unknownFields: (names: string, fields: string[], where: string) =>
    new DarkroomError('invalid_request', `Unknown field ${names} in ${where}.`, { fields, in: where }),
  invalidField: (field: string, where: string, problem: string) =>
    new DarkroomError('invalid_request', `Invalid ${field ? `"${field}"` : where} in ${where}: ${problem}.`, { field: field || null, in: where }),
  missingField: (field: string, where: string) => new DarkroomError('invalid_request', `Missing "${field}" in ${where}.`, { field, in: where }),
  bodyTooLarge: (limitKiB: number) => new DarkroomError('invalid_request', `The request body is too large (at most ${limitKiB} KiB).`),
  malformedUrl: () => new DarkroomError('invalid_request', 'The URL is malformed (bad percent-encoding).'),
  bodyNotJson: () => new DarkroomError('invalid_request', 'Send the body as a JSON object (content-type: application/json).'),
  nulInBody: () =>
    new DarkroomError('invalid_request', 'A string or key in the body holds a NUL character (\\u0000), which Darkroom cannot store: remove it.'),
  notHttp: () => new DarkroomError('invalid_request', 'The request is not valid HTTP.'),
  requestTimeout: () => new DarkroomError('request_timeout', 'The request did not arrive in time (REQUEST_TIMEOUT); send it again, all at once.'),
  storageUnavailable: () => new DarkroomError('storage_unavailable', 'The storage bucket is not answering; try again shortly.'),
  storageAccessDenied: () =>
    new DarkroomError('internal_error', 'The storage bucket refused Darkroom’s credentials; an operator must fix the configuration.'),
  internalError: () => new DarkroomError('internal_error', 'Something went wrong on our side; it has been logged.'),
  notReady: (down: string[], checks: Record<string, string>) =>
    new DarkroomError('service_unavailable', `Not ready: ${down.join(', ')} not answering.`, { checks, down }),
  liveEventsUnavailable: () => new DarkroomError('service_unavailable', 'Live events are unavailable right now; try again shortly.'),
  shuttingDown: () => new DarkroomError('service_unavailable', 'This server is shutting down; connect again.'),
  noRoomForLiveStream: () => new DarkroomError('service_unavailable', 'This server has no room for another live stream; try again shortly.'),
  tooManyTokenLiveStreams: (limit: number) =>
    new DarkroomError('rate_limited', `At most ${limit} live streams per upload token may be open at once; close one first.`, { limit }),
  tooManyLiveStreams: (limit: number) =>
    new DarkroomError('rate_limited', `At most ${limit} live streams per tenant may be open at once; close one first.`, { limit }),
};
