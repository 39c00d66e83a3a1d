import type { Tenant } from '@darkroom/db/schema';
import { html } from 'ghtml';
import { layout, noticeHtml } from './dashboard.html.js';

export interface TenantsPageModel {
  nonce: string;
  query: string;
  tenants: Tenant[];
  /** How many the page shows at most: when it is full, the filter finds the rest. */
  limit: number;
  notice?: string | undefined;
}

/**
 * "Upload files": mints an upload token for the row's tenant (`POST /v1/admin/tenants/:id/upload-tokens`
 * with the session cookie and the CSRF header) and opens the upload page with it in the fragment,
 * `/upload#token=…`, in a new tab. The tab is opened on the click itself (a popup blocker lets that
 * through, not one opened after an await), cut off from this page, and sent on once the token is
 * there; if minting fails it is closed and the row says why, as text.
 */
const TENANTS_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button.upload');
    if (!button || button.disabled) return;
    var row = button.closest('tr');
    var say = function (text) { row.querySelector('.row-message').textContent = text; };
    var tab = window.open('', '_blank');
    if (tab) tab.opener = null;
    button.disabled = true;
    say('Making an upload link…');
    fetch('/v1/admin/tenants/' + encodeURIComponent(row.dataset.tenantId) + '/upload-tokens', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'x-darkroom-csrf': '1', 'content-type': 'application/json' },
      body: '{}',
    })
      .then(function (res) { return res.json().then(function (body) { return { status: res.status, body: body }; }); })
      .then(function (r) {
        button.disabled = false;
        if (r.status !== 201) {
          if (tab) tab.close();
          say(r.body.error ? r.body.error.code + ': ' + r.body.error.message : 'Could not make an upload link (' + r.status + ').');
          return;
        }
        var url = '/upload#token=' + encodeURIComponent(r.body.token);
        say('Upload page opened; its link works until ' + new Date(r.body.expiresAt).toLocaleString() + '.');
        if (tab) tab.location.replace(url); else location.assign(url);
      })
      .catch(function () { if (tab) tab.close(); say('Lost contact with the server.'); button.disabled = false; });
  });
})();
`;

function tenantRow(t: Tenant): string {
  return (
    html`<tr data-tenant-id="${t.id}"><td class="name"><a href="/admin/tenants/${t.id}">${t.name}</a></td><td><code>${t.id}</code></td>` +
    html`<td>${t.defaultPreset ?? 'default'}</td><td class="muted">${t.createdAt.toISOString()}</td>` +
    html`<td><button class="upload primary" type="button">Upload files</button><div class="row-message muted" role="status"></div></td></tr>`
  );
}

const TENANTS_HEAD = '<tr><th>Name</th><th>Tenant id</th><th>Default preset</th><th>Created</th><th></th></tr>';

/** Tenants, newest first, each with a button that opens the upload page for it. */
export function tenantsPage(model: TenantsPageModel): string {
  const filter =
    html`<form class="filter" method="get" action="/admin/tenants"><label>Name or tenant id<input name="q" size="38" value="${model.query}" placeholder="any tenant"></label>` +
    html`<button class="primary" type="submit">Filter</button><a href="/admin/tenants">Clear</a></form>`;
  const rows = model.tenants.length ? model.tenants.map(tenantRow) : '<tr><td colspan="5" class="muted">No tenants match this filter.</td></tr>';
  const more =
    model.tenants.length >= model.limit ? html`<p class="muted">The ${model.limit} newest are shown; filter by name to find others.</p>` : '';
  const body =
    html`<h1>Tenants</h1>!${noticeHtml(model.notice)}!${filter}<table id="tenants"><thead>!${TENANTS_HEAD}</thead><tbody>!${rows}</tbody></table>!${more}` +
    html`<script nonce="${model.nonce}">!${TENANTS_PAGE_SCRIPT}</script>`;
  return layout('Tenants', model.nonce, body);
}
