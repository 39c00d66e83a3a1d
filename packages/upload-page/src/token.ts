/**
 * The upload token arrives in the URL fragment, `/upload#token=dut_…`: a fragment is never sent to a
 * server, so it stays out of every access log. The page moves it into this tab's sessionStorage and
 * takes it off the address bar (out of the history, bookmarks and screenshots); a reload of the same
 * tab still finds it there, which is what lets an interrupted upload resume.
 */
const STORAGE_KEY = 'darkroom.upload-token';
const TOKEN_PATTERN = /^dut_[A-Za-z0-9_-]{16,200}$/;

export type TokenResult = { token: string } | { problem: string };

export function takeToken(): TokenResult {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  if (fromFragment !== null) {
    if (!TOKEN_PATTERN.test(fromFragment)) return { problem: 'The link has no valid upload token. Ask for a new upload link.' };
    sessionStorage.setItem(STORAGE_KEY, fromFragment);
    return { token: fromFragment };
  }
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (stored && TOKEN_PATTERN.test(stored)) return { token: stored };
  return { problem: 'This page needs an upload link with a token. Open it from the admin console or from the site that sent you here.' };
}

/** Forgets the token once the API has refused it (expired or revoked), so a reload says so at once. */
export function forgetToken(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
