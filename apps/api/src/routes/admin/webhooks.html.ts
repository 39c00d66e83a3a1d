import type { Webhook, WebhookAttempt } from '@darkroom/db/webhook-schema';
import { html } from 'ghtml';
import { layout, noticeHtml } from './dashboard.html.js';

export interface WebhooksPageModel {
  nonce: string;
  tenantId: string;
  webhooks: (Webhook & { tenantName: string | null; failures: WebhookAttempt[] })[];
  notice?: string | undefined;
}

/**
 * Redeliver: `POST /v1/admin/events/:id/redeliver { webhookId }` with the session cookie and the
 * CSRF header; the answer is written into the row as text, never as HTML.
 */
const WEBHOOKS_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button.redeliver');
    if (!button || button.disabled) return;
    var row = button.closest('tr');
    var say = function (text) { row.querySelector('.row-message').textContent = text; };
    button.disabled = true;
    say('Sending…');
    fetch('/v1/admin/events/' + encodeURIComponent(row.dataset.eventId) + '/redeliver', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'x-darkroom-csrf': '1', 'content-type': 'application/json' },
      body: JSON.stringify({ webhookId: row.dataset.webhookId }),
    })
      .then(function (res) { return res.json().then(function (body) { return { status: res.status, body: body }; }); })
      .then(function (r) {
        if (r.status === 202) say('Redelivery queued.');
        else { say(r.body.error ? r.body.error.code + ': ' + r.body.error.message : 'Redelivery failed (' + r.status + ').'); button.disabled = false; }
      })
      .catch(function () { say('Lost contact with the server.'); button.disabled = false; });
  });
})();
`;

function failureRow(webhook: Webhook, attempt: WebhookAttempt): string {
  const answer = attempt.error ?? (attempt.responseStatus ? `HTTP ${attempt.responseStatus}` : '');
  const next = attempt.nextAttemptAt ? `retry at ${attempt.nextAttemptAt.toISOString()}` : 'no retry';
  return (
    html`<tr class="failure" data-event-id="${attempt.eventId}" data-webhook-id="${webhook.id}">` +
    html`<td class="event-type">${attempt.eventType}<br><code class="muted">${attempt.eventId}</code></td>` +
    html`<td class="attempt">${attempt.attempt}</td><td class="answer errcode">${answer}</td>` +
    html`<td class="muted">${attempt.attemptedAt.toISOString()}</td>` +
    html`<td class="muted">${next}</td>` +
    html`<td><button class="redeliver primary" type="button"${webhook.enabled ? '' : ' disabled'}>Redeliver</button>` +
    html`<div class="row-message muted" role="status"></div></td></tr>`
  );
}

const FAILURES_HEAD = '<thead><tr><th>Event</th><th>Attempt</th><th>Answer</th><th>At</th><th>Next</th><th></th></tr></thead>';

function webhookSection(webhook: WebhooksPageModel['webhooks'][number]): string {
  const state = webhook.enabled
    ? '<span class="state" data-state="completed">enabled</span>'
    : '<span class="state" data-state="failed">disabled</span>';
  const failures = webhook.failures.length
    ? html`<table class="failures">!${FAILURES_HEAD}<tbody>!${webhook.failures.map((a) => failureRow(webhook, a))}</tbody></table>`
    : '<p class="muted">No failed deliveries.</p>';
  const description = webhook.description ? html` · ${webhook.description}` : '';
  return (
    html`<section class="webhook" data-webhook-id="${webhook.id}"><h2 class="url mono">${webhook.url}</h2>` +
    html`<p>!${state} · ${webhook.tenantName} <code class="muted">${webhook.tenantId}</code> · ` +
    html`<span class="events">${webhook.events.join(', ')}</span>` +
    html`!${description}</p>!${failures}</section>`
  );
}

/** Each tenant's webhooks, with their recent failed deliveries and a Redeliver button on each. */
export function webhooksPage(model: WebhooksPageModel): string {
  const filter =
    html`<form class="filter" method="get" action="/admin/webhooks"><label>Tenant id<input name="tenantId" size="38" value="${model.tenantId}" placeholder="any tenant"></label>` +
    html`<button class="primary" type="submit">Filter</button><a href="/admin/webhooks">Clear</a></form>`;
  const sections = model.webhooks.length ? model.webhooks.map(webhookSection) : '<p class="muted">No webhooks match this filter.</p>';
  const body = html`<h1>Webhooks</h1>!${noticeHtml(model.notice)}!${filter}!${sections}<script nonce="${model.nonce}">!${WEBHOOKS_PAGE_SCRIPT}</script>`;
  return layout('Webhooks', model.nonce, body);
}
