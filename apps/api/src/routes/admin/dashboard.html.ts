/**
 * Server-rendered HTML of the admin console: no build step, no framework. Pages are ghtml tagged
 * templates, which escape every interpolated value; HTML that is already safe (a fragment made by
 * another template, a constant script or stylesheet) must be marked `!${...}` to go in as it is.
 * The inline script and style carry a per-response nonce, so the Content-Security-Policy allows
 * nothing else to run.
 */
import { html } from 'ghtml';
import type { CspDirectives } from '../../plugins/security-headers.js';
import type { FailedRow } from '../../services/admin/failed-jobs.js';
import { FAILED_PAGE_SCRIPT } from './dashboard.script.js';

/** Origins a page loads more from than the console itself: the review page's images through private links. */
export interface ExtraSources {
  imgSrc?: string[];
}

/** The console's policy: its own inline script and style (by this response's nonce), images from here (and `extra`'s). */
export function contentSecurityPolicy(nonce: string, extra: ExtraSources = {}): CspDirectives {
  return {
    'default-src': ["'none'"],
    'img-src': ["'self'", 'data:', ...(extra.imgSrc ?? [])],
    'style-src': [`'nonce-${nonce}'`],
    'script-src': [`'nonce-${nonce}'`],
    'connect-src': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
  };
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2230; background: #f5f6f8; }
header { background: #1d2230; color: #fff; padding: 10px 20px; display: flex; gap: 20px; align-items: center; }
header a, header button { color: #cfd6e6; text-decoration: none; background: none; border: 0; font: inherit; cursor: pointer; }
header strong { color: #fff; margin-right: 10px; } header form { margin: 0; }
main { padding: 20px; }
form.filter { display: flex; gap: 10px; align-items: end; margin-bottom: 16px; flex-wrap: wrap; } form.filter a { padding: 6px 0; }
label { display: flex; flex-direction: column; font-size: 12px; color: #555; gap: 2px; }
input, select, button.primary { font: inherit; padding: 5px 8px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #e3e6ec; padding: 8px; text-align: left; vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; color: #667; }
code, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
.preview img, .placeholder { width: 96px; height: 72px; object-fit: contain; background: #eef0f4; display: block; }
.placeholder { display: flex; align-items: center; justify-content: center; font-size: 11px; color: #a33; text-align: center; }
.state { font-weight: 600; }
.state[data-state=failed] { color: #b3261e; } .state[data-state=completed] { color: #1e7b34; }
.state[data-state=queued], .state[data-state=active] { color: #8a6100; }
.errcode { color: #b3261e; font-weight: 600; } .muted { color: #778; } .notice { color: #b3261e; }
.errdetail pre { white-space: pre-wrap; word-break: break-word; max-width: 36em; font-size: 12px; }
.login { max-width: 360px; margin: 60px auto; background: #fff; padding: 24px; border-radius: 6px; }
.login form { display: flex; flex-direction: column; gap: 12px; }
`;

const NAV =
  '<header><strong>Darkroom admin</strong><a href="/admin/failed">Failed jobs</a><a href="/admin/queues">Queues</a><a href="/admin/backfills">Backfills</a><a href="/admin/webhooks">Webhooks</a><a href="/admin/tenants">Tenants</a><a href="/admin/review">Review</a>' +
  '<a href="/docs">API docs</a><form method="post" action="/admin/logout"><button type="submit">Log out</button></form></header>';

/** A whole page around `bodyHtml`, which must come from a template (it goes in unescaped). */
export function layout(title: string, nonce: string, bodyHtml: string, nav = true): string {
  return (
    html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,">` +
    html`<title>${title} · Darkroom</title><style nonce="${nonce}">!${STYLE}</style></head>` +
    html`<body>!${nav ? NAV : ''}<main>!${bodyHtml}</main></body></html>`
  );
}

/** The `role="alert"` line a page shows above its content, or nothing. */
export function noticeHtml(message: string | undefined): string {
  return message ? html`<p class="notice" role="alert">${message}</p>` : '';
}

export function loginPage(opts: { nonce: string; message?: string | undefined; next?: string | undefined }): string {
  const next = opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : '';
  const body =
    html`<div class="login"><h1>Darkroom admin</h1>!${noticeHtml(opts.message)}` +
    html`<form method="post" action="/admin/login"><label>Admin token<input type="password" name="token" required autocomplete="off" autofocus></label>` +
    html`!${next}<button class="primary" type="submit">Log in</button></form></div>`;
  return layout('Log in', opts.nonce, body, false);
}

export interface FailedPageModel {
  nonce: string;
  rows: FailedRow[];
  filter: { tenantId: string; errorCode: string };
  errorCodes: readonly string[];
  nextCursor: string | null;
  notice?: string | undefined;
}

function filterForm(model: FailedPageModel): string {
  const options = ['', ...model.errorCodes].map(
    (code) => html`<option value="${code}"${code === model.filter.errorCode ? ' selected' : ''}>${code || 'any'}</option>`,
  );
  return (
    html`<form class="filter" method="get" action="/admin/failed">` +
    html`<label>Tenant id<input name="tenantId" size="38" value="${model.filter.tenantId}" placeholder="any tenant"></label>` +
    html`<label>Error code<select name="errorCode">!${options}</select></label>` +
    html`<button class="primary" type="submit">Filter</button><a href="/admin/failed">Clear</a></form>`
  );
}

/** The raw error behind the tenant's message, folded away: it is long and names internals. */
function detail(text: string | null): string {
  return text ? html`<details class="errdetail"><summary>detail</summary><pre>${text}</pre></details>` : '';
}

function row(r: FailedRow): string {
  const preview = `/admin/assets/${encodeURIComponent(r.assetId)}/original-preview`;
  const error = r.errorCode
    ? html`<span class="errcode">${r.errorCode}</span><br><span class="errmsg">${r.errorMessage}</span>!${detail(r.errorDetail)}`
    : '<span class="muted">—</span>';
  return (
    html`<tr data-job-id="${r.jobId}" data-asset-id="${r.assetId}">` +
    html`<td class="preview"><img src="${preview}" data-src="${preview}" alt="original of ${r.filename}" loading="lazy"></td>` +
    html`<td><code>${r.assetId}</code><br><span class="muted">asset <span class="asset-status">${r.assetStatus ?? 'deleted'}</span></span></td>` +
    html`<td>${r.tenantName}<br><code class="muted">${r.tenantId}</code></td>` +
    html`<td class="filename">${r.filename}</td>` +
    html`<td class="error">!${error}</td>` +
    html`<td class="attempts">${r.attempts}/${r.maxAttempts}</td>` +
    html`<td><span class="state" data-state="${r.state}">${r.state}</span><br>` +
    html`<span class="muted finished">${r.finishedAt?.toISOString()}</span></td>` +
    html`<td><button class="retry primary" type="button"${r.state === 'failed' ? '' : ' disabled'}>Retry</button>` +
    html`<div class="row-message muted" role="status"></div></td></tr>`
  );
}

const FAILED_HEAD = '<tr><th>Original</th><th>Asset</th><th>Tenant</th><th>File</th><th>Error</th><th>Attempts</th><th>State</th><th></th></tr>';

export function failedPage(model: FailedPageModel): string {
  const rows = model.rows.length ? model.rows.map((r) => row(r)) : '<tr><td colspan="8" class="muted">No failed jobs match this filter.</td></tr>';
  const params = new URLSearchParams({ ...model.filter, cursor: model.nextCursor ?? '' });
  const more = model.nextCursor ? html`<p><a class="next" href="/admin/failed?${params.toString()}">Older failures →</a></p>` : '';
  const body =
    html`<h1>Failed jobs</h1>!${noticeHtml(model.notice)}!${filterForm(model)}<table id="failed"><thead>!${FAILED_HEAD}</thead><tbody>!${rows}</tbody></table>!${more}` +
    html`<script nonce="${model.nonce}">!${FAILED_PAGE_SCRIPT}</script>`;
  return layout('Failed jobs', model.nonce, body);
}

export interface BackfillRow {
  id: string;
  preset: string;
  state: string;
  matched: number;
  queued: number;
  skipped: number;
  done: number;
  failed: number;
  scanDone: boolean;
  createdAt: Date;
  finishedAt: Date | null;
}

const BACKFILL_HEAD =
  '<tr><th>Backfill</th><th>Preset</th><th>State</th><th>Matched</th><th>Queued</th><th>Done</th><th>Failed</th><th>Skipped</th><th>Started</th><th>Finished</th></tr>';
const BACKFILL_CELLS = ['id mono', 'preset', 'state', 'matched', 'queued', 'done', 'failed', 'skipped'];

function backfillRow(b: BackfillRow): string {
  const state = b.scanDone || b.state !== 'running' ? b.state : `${b.state} (scanning)`;
  const cells = [b.id, b.preset, state, b.matched, b.queued, b.done, b.failed, b.skipped].map(
    (v, i) => html`<td class="${BACKFILL_CELLS[i]}">${v}</td>`,
  );
  return html`<tr data-backfill-id="${b.id}">!${cells}<td class="muted">${b.createdAt.toISOString()}</td><td class="muted">${b.finishedAt?.toISOString()}</td></tr>`;
}

/** Recent backfills and how far each has got: what its scan matched and queued, what finished or failed. */
export function backfillsPage(model: { nonce: string; rows: BackfillRow[] }): string {
  const rows = model.rows.length ? model.rows.map(backfillRow) : '<tr><td colspan="10" class="muted">No backfills yet.</td></tr>';
  return layout(
    'Backfills',
    model.nonce,
    html`<h1>Backfills</h1><table id="backfills"><thead>!${BACKFILL_HEAD}</thead><tbody>!${rows}</tbody></table>`,
  );
}
