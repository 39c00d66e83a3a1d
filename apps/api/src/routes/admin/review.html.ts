import type { AssetView } from '@darkroom/core/contract/asset';
import type { BlocklistEntryView, ModerationFinding } from '@darkroom/core/contract/moderation';
import type { ScannerState } from '@darkroom/queue';
import { html } from 'ghtml';
import type { HeldAssetRow } from '../../services/moderation/review.js';
import { layout, noticeHtml } from './dashboard.html.js';
import { REVIEW_PAGE_SCRIPT } from './review.script.js';

export interface ReviewPageModel {
  nonce: string;
  tenantId: string;
  held: HeldAssetRow[];
  tenantNames: Map<string, string>;
  nextCursor: string | null;
  entries: BlocklistEntryView[];
  /** More entries than the page shows: the API lists them all. */
  moreEntries: boolean;
  scanners: Map<string, ScannerState>;
  notice?: string | undefined;
}

const REVIEW_STYLE = `
ol.held { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
ol.held > li { background: #fff; border: 1px solid #e3e6ec; border-radius: 6px; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
ol.held > li[data-decided] { opacity: 0.6; }
ol.held .thumb { width: 100%; height: 180px; object-fit: contain; background: #eef0f4; display: block; }
ol.held .findings { margin: 0; padding-left: 18px; } .score { font-weight: 600; color: #b3261e; }
.decisions { display: flex; flex-wrap: wrap; gap: 6px; align-items: end; } .decisions label { flex-basis: 100%; }
.decisions button, button.delete { font: inherit; padding: 5px 8px; }
button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid #3a6ff7; outline-offset: 2px; }
.scanner[data-state=down] { color: #b3261e; font-weight: 600; } .scanner[data-state=up] { color: #1e7b34; }
section.blocklist { margin-top: 28px; }
`;

function findingItem(f: ModerationFinding): string {
  const score = f.score === null ? '' : html` <span class="score">${f.score.toFixed(2)}</span>`;
  return html`<li><strong>${f.check}</strong>${f.label ? `: ${f.label}` : ''}!${score}</li>`;
}

/** The smallest image variant (variants come smallest first), through the asset's private link. */
function thumbnail(asset: AssetView): string {
  const image = asset.variants.find((v) => v.kind === 'image');
  if (!image) return '<div class="thumb placeholder">no image</div>';
  return html`<img class="thumb" src="${image.url}" alt="${asset.filename}, held">`;
}

function heldItem(row: HeldAssetRow, tenantNames: Map<string, string>): string {
  const { asset } = row;
  const findings = asset.moderation.findings.length
    ? html`<ul class="findings">!${asset.moderation.findings.map(findingItem)}</ul>`
    : '<p class="muted">No findings.</p>';
  const reasonId = `reason-${asset.id}`;
  return (
    html`<li data-asset-id="${asset.id}" aria-labelledby="name-${asset.id}">!${thumbnail(asset)}` +
    html`<div><strong id="name-${asset.id}" class="filename">${asset.filename}</strong> <span class="muted">(<span class="status">${asset.status}</span>)</span><br>` +
    html`<span class="muted">${tenantNames.get(row.tenantId) ?? 'tenant'} · <code>${asset.id}</code></span></div>!${findings}` +
    html`<div class="decisions" role="group" aria-label="Decide on ${asset.filename}">` +
    html`<label for="${reasonId}">Reason (optional)<input id="${reasonId}" class="reason" maxlength="500"></label>` +
    html`<button class="decide primary" type="button" data-action="approve">Approve</button>` +
    html`<button class="decide" type="button" data-action="reject">Reject</button>` +
    html`<button class="decide" type="button" data-action="block">Reject and block</button></div>` +
    html`<div class="row-message muted" role="status"></div></li>`
  );
}

function entryRow(entry: BlocklistEntryView): string {
  return (
    html`<tr data-entry-id="${entry.id}"><td class="hash mono">${entry.hash}</td><td>${entry.reason ?? '—'}</td>` +
    html`<td class="mono">${entry.assetId ?? '—'}</td><td class="muted">${entry.createdAt}</td>` +
    html`<td><button class="delete" type="button" aria-label="Delete ${entry.hash}">Delete</button></td></tr>`
  );
}

function scannerLine(scanners: Map<string, ScannerState>): string {
  if (scanners.size === 0) return '<p class="muted">Scanner: no worker reports one.</p>';
  const items = [...scanners].map(
    ([worker, s]) =>
      html`<li><code>${worker}</code>: clamd <span class="scanner" data-state="${s.clamd}">${s.clamd}</span>, classifier <span class="scanner" data-state="${s.classifier}">${s.classifier}</span></li>`,
  );
  return html`<p>Scanners, as each live worker reports them:</p><ul id="scanners">!${items}</ul>`;
}

function blocklistSection(model: ReviewPageModel): string {
  const rows = model.entries.length ? model.entries.map(entryRow) : '<tr class="empty"><td colspan="5" class="muted">No entries.</td></tr>';
  const more = model.moreEntries
    ? html`<p class="muted">The oldest ${model.entries.length} are shown; GET /v1/admin/blocklist lists them all.</p>`
    : '';
  return (
    html`<section class="blocklist" aria-labelledby="blocklist-heading"><h2 id="blocklist-heading">Deployment blocklist</h2>` +
    '<form id="blocklist-add" class="filter"><label for="blocklist-hash">Hash (phash: and 16 hex digits)' +
    '<input id="blocklist-hash" name="hash" required pattern="phash:[0-9a-fA-F]{16}" size="24" placeholder="phash:0123456789abcdef"></label>' +
    '<label for="blocklist-reason">Reason (optional)<input id="blocklist-reason" name="reason" maxlength="500"></label>' +
    '<button class="primary" type="submit">Add</button></form><p id="blocklist-message" class="muted" role="status"></p>' +
    html`<table id="blocklist"><thead><tr><th>Hash</th><th>Reason</th><th>From asset</th><th>Added</th><th></th></tr></thead><tbody>!${rows}</tbody></table>!${more}</section>`
  );
}

/** Held assets to decide on, oldest first, and the deployment's blocklist. */
export function reviewPage(model: ReviewPageModel): string {
  const filter =
    html`<form class="filter" method="get" action="/admin/review"><label>Tenant id<input name="tenantId" size="38" value="${model.tenantId}" placeholder="any tenant"></label>` +
    html`<button class="primary" type="submit">Filter</button><a href="/admin/review">Clear</a></form>`;
  const items = model.held.length
    ? html`<ol class="held" aria-label="Held assets">!${model.held.map((row) => heldItem(row, model.tenantNames))}</ol>`
    : '<p class="muted">No held assets.</p>';
  const params = new URLSearchParams({ tenantId: model.tenantId, cursor: model.nextCursor ?? '' });
  const more = model.nextCursor ? html`<p><a class="next" href="/admin/review?${params.toString()}">More held assets →</a></p>` : '';
  const body =
    html`<style nonce="${model.nonce}">!${REVIEW_STYLE}</style><h1 id="review-heading" tabindex="-1">Review</h1>!${noticeHtml(model.notice)}` +
    html`!${scannerLine(model.scanners)}!${filter}!${items}!${more}!${blocklistSection(model)}` +
    html`<script nonce="${model.nonce}">!${REVIEW_PAGE_SCRIPT}</script>`;
  return layout('Review', model.nonce, body);
}
