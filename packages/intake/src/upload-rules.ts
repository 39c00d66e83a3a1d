import { ERRORS } from '@darkroom/core/error-factories';
import type { Tenant } from '@darkroom/db/schema';

/** What a file is checked against wherever it comes in: an upload's start, or an import's item. */

/** The tenant's limits as they stand (its own settings, else the deployment's). */
export function tenantUploadLimits(deps: { config: { uploads: { maxBytes: number; acceptedContentTypes: string[] } } }, tenant: Tenant) {
  return {
    maxBytes: tenant.maxUploadBytes ?? deps.config.uploads.maxBytes,
    accepted: tenant.acceptedContentTypes ?? deps.config.uploads.acceptedContentTypes,
  };
}

export function validateFilename(filename: string): void {
  // The name is only ever shown back to the client; it never reaches an object key.
  if (filename.trim().length === 0) throw ERRORS.blankFilename();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this check refuses.
  if (/[\u0000-\u001f\u007f]/.test(filename)) {
    throw ERRORS.filenameControlCharacters();
  }
  if (/[/\\]/.test(filename)) {
    throw ERRORS.filenameWithPath();
  }
}
