import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../config.js';
import errorsPlugin from '../plugins/errors.js';
import uploadPageRoutes, { uploadPageCsp } from './upload-page.js';

const storage = { endpoint: 'https://s3.us-west-004.backblazeb2.com', cdnBaseUrl: 'https://cdn.example.com/media' };
const deliveryBaseUrl = 'https://img.example.com';
const deps = { config: { storage, deliveryBaseUrl } as unknown as ApiConfig };

async function appWith(dist: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorsPlugin);
  await app.register(uploadPageRoutes, { deps, dist });
  return app;
}

let dist: string;
let app: FastifyInstance;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'upload-page-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Upload</title>');
  await writeFile(join(dist, 'assets', 'upload-ABC123.js'), 'console.log(1)');
  await writeFile(join(dist, 'assets', 'upload-style-DEF456.css'), 'body{}');
  await writeFile(join(dist, 'assets', 'notes.md'), 'not served');
  app = await appWith(dist);
});
afterAll(async () => {
  await app.close();
  await rm(dist, { recursive: true, force: true });
});

describe('GET /upload', () => {
  it('serves the page with a CSP that allows only this API, the bucket, the CDN and the delivery server', async () => {
    const res = await app.inject({ method: 'GET', url: '/upload' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toBe('<!doctype html><title>Upload</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const csp = Object.fromEntries(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
    );
    expect(csp).toEqual(uploadPageCsp(storage, deliveryBaseUrl));
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    // Presigned uploads go to the bucket; hls.js fetches a stream's playlists and segments from the CDN,
    // or a private one's from the delivery server's private links.
    expect(csp['connect-src']).toEqual(["'self'", 'https://s3.us-west-004.backblazeb2.com', 'https://cdn.example.com', 'https://img.example.com']);
    expect(csp['img-src']).toEqual([
      "'self'",
      'data:',
      'https://cdn.example.com',
      'https://s3.us-west-004.backblazeb2.com',
      'https://img.example.com',
    ]);
    // A video's renditions play from the CDN or the bucket (a private one's from the delivery server), a
    // stream from hls.js's blob: source, never from anywhere else.
    expect(csp['media-src']).toEqual(['https://cdn.example.com', 'https://s3.us-west-004.backblazeb2.com', 'https://img.example.com', 'blob:']);
  });

  it('allows images from the bucket itself when there is no CDN', () => {
    const csp = uploadPageCsp({ endpoint: 'http://127.0.0.1:7480', cdnBaseUrl: undefined }, 'http://127.0.0.1:3400');
    expect(csp['img-src']).toEqual(["'self'", 'data:', 'http://127.0.0.1:7480', 'http://127.0.0.1:3400']);
    expect(csp['media-src']).toEqual(['http://127.0.0.1:7480', 'http://127.0.0.1:3400', 'blob:']);
  });

  it('serves the built script and stylesheet for good, and nothing else', async () => {
    const js = await app.inject({ method: 'GET', url: '/upload/assets/upload-ABC123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    const css = await app.inject({ method: 'GET', url: '/upload/assets/upload-style-DEF456.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    for (const url of ['/upload/assets/notes.md', '/upload/assets/..%2Findex.html', '/upload/assets/missing.js', '/upload/index.html']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('not_found');
    }
  });

  it('sends /upload/ back to /upload, where the relative asset URLs resolve', async () => {
    const res = await app.inject({ method: 'GET', url: '/upload/' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/upload');
  });

  it('answers 404 not_found when the page has not been built', async () => {
    const bare = await appWith(join(dist, 'nothing-here'));
    const res = await bare.inject({ method: 'GET', url: '/upload' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: 'not_found', message: 'The upload page is not installed on this server.' });
    await bare.close();
  });
});
