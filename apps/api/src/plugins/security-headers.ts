import type { FastifyHelmetOptions } from '@fastify/helmet';

/** A Content-Security-Policy as helmet takes it: each directive with its sources. */
export type CspDirectives = Record<string, string[]>;

interface PageHeaders {
  /** The page's own policy, or false for routes that serve a UI of their own (bull-board). */
  csp: CspDirectives | false;
  referrerPolicy: 'no-referrer' | 'same-origin';
}

/**
 * @fastify/helmet's options for the HTML the API serves (the upload page, the admin console): its
 * defaults, no framing, the page's own CSP and referrer policy. Each of those plugins registers
 * helmet itself, so its headers apply to that plugin's routes and the JSON API (/v1) sends none.
 */
export function pageHelmetOptions({ csp, referrerPolicy }: PageHeaders): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: csp === false ? false : { useDefaults: false, directives: csp },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: referrerPolicy },
    // Left to whatever terminates TLS: only it knows whether the site is served over HTTPS.
    strictTransportSecurity: false,
  };
}
