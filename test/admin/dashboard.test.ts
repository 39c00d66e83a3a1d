import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { startedBackfill } from '../support/client.js';
import { failedUpload } from '../support/fixtures.js';
import { fixture } from '../support/images.js';
import { setupHarness, setupTenant } from '../support/setup-harness.js';

const harness = setupHarness();
const t = setupTenant(harness, 'admin-dashboard');

/** A request as a browser would send it: no redirects followed, optional cookie and headers. */
function send(method: string, path: string, init: { cookie?: string; headers?: Record<string, string>; form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  return fetch(`${harness.baseUrl}${path}`, { method, headers, redirect: 'manual', ...(body ? { body } : {}) });
}

/** The JSON body of an error response (an `{ error: { code, message } }`). */
const bodyOf = async (res: Response) => (await res.json()) as { error: { code: string; message: string } };

/** Logs in through the form and returns the session cookie (name=value). */
async function login(token = harness.adminToken): Promise<string> {
  const res = await send('POST', '/admin/login', { form: { token } });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('bull-board at /admin/queues', () => {
  it('is 401 without auth, 403 with a tenant key, 200 with the admin token or the login cookie', async () => {
    const anonymous = await send('GET', '/admin/queues');
    expect(anonymous.status).toBe(401);
    expect((await bodyOf(anonymous)).error.code).toBe('unauthorized');
    const asTenant = await send('GET', '/admin/queues', { headers: bearer(t.client.token!) });
    expect(asTenant.status).toBe(403);
    expect((await bodyOf(asTenant)).error.code).toBe('forbidden');

    const asAdmin = await send('GET', '/admin/queues', { headers: bearer(harness.adminToken) });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.headers.get('content-type')).toContain('text/html');
    // Framing refused; no policy of the console's, which would stop bull-board's own scripts.
    expect(asAdmin.headers.get('x-frame-options')).toBe('DENY');
    expect(asAdmin.headers.get('content-security-policy')).toBeNull();
    expect(await asAdmin.text()).toContain('<base href="/admin/queues/" />');

    const cookie = await login();
    expect((await send('GET', '/admin/queues', { cookie })).status).toBe(200);
    const api = await send('GET', '/admin/queues/api/queues', { cookie });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { queues: { name: string }[] }).queues.map((q: { name: string }) => q.name)).toContain('assets');
    // Its static files and API are behind the same guard.
    expect((await send('GET', '/admin/queues/static/favicon-32x32.png', { cookie })).status).toBe(200);
    expect((await send('GET', '/admin/queues/static/favicon-32x32.png')).status).toBe(401);
    expect((await send('GET', '/admin/queues/api/queues')).status).toBe(401);
  });

  it('shows a browser the login form (still 401) instead of JSON', async () => {
    const res = await send('GET', '/admin/queues', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('action="/admin/login"');
    expect(html).toContain('name="next" value="/admin/queues"');
  });

  it('leaves the JSON counts at GET /v1/admin/queues working, and out of the way of /docs', async () => {
    const counts = await harness.admin.request('GET', '/v1/admin/queues');
    expect(counts.status).toBe(200);
    expect(counts.body.queue).toMatchObject({ name: 'assets' });
    const docs = await harness.admin.raw('GET', '/docs/json');
    expect(Object.keys(docs.body.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
  });
});

describe('admin login', () => {
  it('refuses a wrong token or a tenant key with a 401 page and no cookie', async () => {
    for (const token of ['not-the-admin-token-at-all', t.client.token!]) {
      const res = await send('POST', '/admin/login', { form: { token } });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toContain('not an admin token');
    }
  });

  it('sets an HttpOnly, SameSite=Strict session cookie that does not contain the token', async () => {
    const res = await send('POST', '/admin/login', { form: { token: harness.adminToken, next: '/admin/queues' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/queues');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^darkroom_admin=v1\.\d+\.root\.[\w-]+; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain(harness.adminToken);
    // Never a redirect to another site.
    const offsite = await send('POST', '/admin/login', { form: { token: harness.adminToken, next: '//evil.example/admin/' } });
    expect(offsite.headers.get('location')).toBe('/admin/failed');
  });

  it('reads login forms up to 4096 bytes, refuses larger or repeated fields with 400, and keeps JSON routes JSON-only', async () => {
    const form = (bytes: number) => `token=wrong-token&pad=${'x'.repeat(bytes - 'token=wrong-token&pad='.length)}`;
    const post = (body: string, path = '/admin/login', cookie?: string) =>
      fetch(`${harness.baseUrl}${path}`, {
        method: 'POST',
        redirect: 'manual',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-darkroom-csrf': '1', ...(cookie ? { cookie } : {}) },
      });
    expect((await post(form(4096))).status).toBe(401);
    const tooLarge = await post(form(4097));
    expect(tooLarge.status).toBe(400);
    expect((await bodyOf(tooLarge)).error.code).toBe('invalid_request');
    const repeated = await post('token=a&token=b');
    expect(repeated.status).toBe(400);
    expect((await bodyOf(repeated)).error.code).toBe('invalid_request');
    const jsonRoute = await post('name=x', '/v1/admin/tenants', await login());
    expect(jsonRoute.status).toBe(400);
    expect((await bodyOf(jsonRoute)).error.message).toContain('Send the body as a JSON object');
  });

  it('refuses forged, tampered and logged-out cookies, and a login posted from another site', async () => {
    const cookie = await login();
    const [name, value] = cookie.split('=') as [string, string];
    const parts = value.split('.');
    const later = `${name}=${[parts[0], Number(parts[1]) + 1000, parts[2], parts[3]].join('.')}`;
    expect((await send('GET', '/admin/failed', { cookie: later })).status).toBe(401);
    expect((await send('GET', '/admin/failed', { cookie: `${name}=v1.9999999999999.root.AAAA` })).status).toBe(401);
    const logout = await send('POST', '/admin/logout', { cookie });
    expect(logout.headers.get('set-cookie')).toMatch(/^darkroom_admin=; .*Max-Age=0/);
    const crossSite = await send('POST', '/admin/login', { form: { token: harness.adminToken }, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });

  it('accepts an admin key, and revoking the key ends its sessions', async () => {
    const created = await harness.admin.request('POST', '/v1/admin/keys');
    expect(created.status).toBe(201);
    const cookie = await login(created.body.apiKey);
    expect((await send('GET', '/admin/failed', { cookie })).status).toBe(200);
    expect((await harness.admin.request('DELETE', `/v1/admin/keys/${created.body.id}`)).status).toBe(204);
    expect((await send('GET', '/admin/failed', { cookie })).status).toBe(401);
  });
});

describe('JSON admin routes with the session cookie', () => {
  it('reads with the cookie alone, but changes state only with the CSRF header or from our own origin', async () => {
    const cookie = await login();
    expect((await send('GET', '/v1/admin/queues', { cookie })).status).toBe(200);
    const missing = `/v1/admin/jobs/${randomUUID()}/retry`;
    const bare = await send('POST', missing, { cookie });
    expect(bare.status).toBe(403);
    expect((await bodyOf(bare)).error.message).toContain('x-darkroom-csrf');
    expect((await send('POST', missing, { cookie, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    // Past the guard, the route answers as usual (no such job).
    expect((await send('POST', missing, { cookie, headers: { 'x-darkroom-csrf': '1' } })).status).toBe(404);
    expect((await send('POST', missing, { cookie, headers: { origin: harness.baseUrl } })).status).toBe(404);
    // Bearer requests need no CSRF header; a tenant key is never upgraded by an admin cookie.
    expect((await harness.admin.raw('POST', missing)).status).toBe(404);
    expect((await send('POST', missing, { cookie, headers: bearer(t.client.token!) })).status).toBe(403);
    expect((await send('GET', '/v1/assets', { cookie })).status).toBe(401);
  });
});

describe('failed-jobs page and original previews', () => {
  it('previews a good original as a small WebP', async () => {
    const { asset } = await t.client.uploadFile(fixture('Landscape_1.jpg'), 'image/jpeg');
    await t.client.waitForAsset(asset.id);
    const res = await send('GET', `/admin/assets/${asset.id}/original-preview`, { headers: bearer(harness.adminToken) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(320);
    expect((await send('GET', `/admin/assets/${asset.id}/original-preview`)).status).toBe(401);
  });

  it('answers 422 corrupt_image for an original that does not decode, 404 for no asset', async () => {
    const { asset } = await failedUpload(t.client);
    const res = await send('GET', `/admin/assets/${asset.id}/original-preview`, { headers: bearer(harness.adminToken) });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).error.code).toBe('corrupt_image');
    const none = await send('GET', `/admin/assets/${randomUUID()}/original-preview`, { headers: bearer(harness.adminToken) });
    expect(none.status).toBe(404);
  });

  it('lists failed jobs by tenant and error code, escaping what users wrote', async () => {
    const evil = `<img src=x onerror=alert(1)>"'.jpg`;
    const { asset, job } = await failedUpload(t.client, evil);
    const cookie = await login();
    const res = await send('GET', `/admin/failed?tenantId=${t.tenantId}&errorCode=corrupt_image`, { cookie });
    expect(res.status).toBe(200);
    const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(res.headers.get('content-security-policy')).toContain(`style-src 'nonce-${nonce}'`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    // The page's script carries the header's nonce (base64, whose `=` the template escapes).
    expect(/<script nonce="([^"]+)">/.exec(html)?.[1]?.replaceAll('&#61;', '=')).toBe(nonce);
    expect(html).toContain(`data-job-id="${job.id}"`);
    expect(html).toContain(`data-asset-id="${asset.id}"`);
    expect(html).toContain('&#60;img src&#61;x onerror&#61;alert(1)&#62;&#34;&#39;.jpg');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('corrupt_image');
    // The raw detail (libvips's own words) is for admins, folded under the message.
    expect(html).toMatch(/<details class="errdetail"><summary>detail<\/summary><pre>[^<]*VipsJpeg/);

    const other = await send('GET', `/admin/failed?tenantId=${t.tenantId}&errorCode=empty_file`, { cookie });
    expect(await other.text()).not.toContain(job.id);
    const bad = await send('GET', '/admin/failed?tenantId=nope&errorCode=', { cookie });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('is not a tenant id');
  });
});

describe('backfills page', () => {
  it('lists backfills with their counters, behind the admin guard', async () => {
    const started = await harness.admin.request('POST', '/v1/admin/backfill', { preset: 'default' });
    expect(started.status).toBe(202);
    const id = startedBackfill(started.body).id;
    expect((await send('GET', '/admin/backfills')).status).toBe(401);
    const page = await send('GET', '/admin/backfills', { headers: bearer(harness.adminToken) });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-backfill-id="${id}"`);
    expect(html).toMatch(/<th>Matched<\/th><th>Queued<\/th><th>Done<\/th><th>Failed<\/th>/);
  });
});
