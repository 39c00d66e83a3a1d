import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Page, Request } from 'playwright-core';

/** hls.js as npm ships it, for pages that play a ladder through it. */
export const HLS_JS = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

export interface PlayerSite {
  /** `http://localhost:{port}`: an origin of its own, so every fetch of a bucket or delivery server on 127.0.0.1 is a CORS request. */
  origin: string;
  close(): Promise<void>;
}

/**
 * A page's own server for the player tests: `/hls.min.js` is hls.js, anything else is `html`. On
 * loopback, as the bucket and the delivery server are (Chromium lets a loopback page fetch from loopback).
 */
export async function startPlayerSite(html: string): Promise<PlayerSite> {
  const script = await readFile(HLS_JS);
  const site = createServer((req, res) => {
    const js = req.url === '/hls.min.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' }).end(js ? script : html);
  });
  await new Promise<void>((done) => site.listen(0, '127.0.0.1', done));
  return {
    origin: `http://localhost:${(site.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => site.close(() => done())),
  };
}

/**
 * Every URL the page asks for (`page.on('request')`: documents, scripts, images, media, fetches), in
 * order; but those `skip` leaves out (an upload page's presigned PUTs to the bucket).
 */
export function recordRequests(page: Page, skip: (request: Request) => boolean = () => false): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (!skip(request)) urls.push(request.url());
  });
  return urls;
}
