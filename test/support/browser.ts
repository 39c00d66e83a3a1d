import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (installed by scripts/test-tools.sh), driven by playwright-core, which downloads no browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // --no-sandbox: tests run as root in CI, where Chromium's sandbox refuses to start.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/**
 * Chromium whose `origin` (e.g. http://localhost:5173, one of CORS_ORIGINS, which the test buckets
 * let PUT) is served by `baseUrl` (a harness on a port of its own): pages opened on that origin
 * reach the real API, and their presigned PUTs to the bucket pass its CORS rules.
 */
export function launchChromiumAt(origin: string, baseUrl: string): Promise<Browser> {
  const from = new URL(origin);
  const to = new URL(baseUrl);
  return launchChromium([`--host-resolver-rules=MAP ${from.host} ${to.host}`]);
}

/**
 * Problems a page reports: script errors, CSP violations, and failed requests other than those
 * `expected` allows (a test's own, e.g. the login page served with 401 before logging in).
 */
export function watchProblems(page: Page, expected: (status: number, pathname: string) => boolean): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    const { pathname } = new URL(response.url());
    if (response.status() >= 400 && !expected(response.status(), pathname))
      problems.push(`${response.status()} ${response.request().method()} ${pathname}`);
  });
  return problems;
}
