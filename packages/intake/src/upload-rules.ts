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

/** Why a file name is refused: an upload's and an import item's alike. */
export type FilenameProblem = 'blank' | 'control_characters' | 'path';

/** What is wrong with a file name, or null. The name is only ever shown back to the client; it never reaches an object key. */
export function filenameProblem(filename: string): FilenameProblem | null {
  if (filename.trim().length === 0) return 'blank';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this check refuses.
  if (/[\u0000-\u001f\u007f]/.test(filename)) return 'control_characters';
  if (/[/\\]/.test(filename)) return 'path';
  return null;
}

export function validateFilename(filename: string): void {
  const problem = filenameProblem(filename);
  if (problem === 'blank') throw ERRORS.blankFilename();
  if (problem === 'control_characters') throw ERRORS.filenameControlCharacters();
  if (problem === 'path') throw ERRORS.filenameWithPath();
}
