/**
 * The review page's inline script (plain browser JavaScript, sent as is), signed in by the session
 * cookie and sending the CSRF header on every change:
 * - Approve, Reject and Reject and block call `POST /v1/admin/assets/:id/moderation` with the row's
 *   reason; the row then says what became of the asset, its buttons go, and focus moves to the next
 *   held asset's first button (or the heading when none is left), so a keyboard walks the queue;
 * - the blocklist's form posts a hash to `POST /v1/admin/blocklist` and adds its entry's row; Delete
 *   calls `DELETE /v1/admin/blocklist/:id` and removes it.
 * It writes data into the page only through textContent, never as HTML.
 */
export const REVIEW_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var HEADERS = { 'x-darkroom-csrf': '1', 'content-type': 'application/json' };

  function call(method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: body === undefined ? { 'x-darkroom-csrf': '1' } : HEADERS };
    if (body !== undefined) init.body = JSON.stringify(body);
    return fetch(path, init).then(function (res) {
      if (res.status === 204) return { status: 204, body: null };
      return res.json().then(function (json) { return { status: res.status, body: json }; });
    });
  }
  function refusal(r, what) { return r.body && r.body.error ? r.body.error.code + ': ' + r.body.error.message : what + ' failed (' + r.status + ').'; }

  var DONE = { approve: 'Approved', reject: 'Rejected', block: 'Rejected, and its hashes blocked' };

  function nextFocus(item) {
    var next = item.nextElementSibling;
    while (next && !next.querySelector('button.decide')) next = next.nextElementSibling;
    var target = next ? next.querySelector('button.decide') : document.getElementById('review-heading');
    target.focus();
  }

  function decide(item, button) {
    var say = function (text) { item.querySelector('.row-message').textContent = text; };
    var action = button.dataset.action;
    var body = { decision: action === 'approve' ? 'approve' : 'reject' };
    var reason = item.querySelector('input.reason').value.trim();
    if (reason) body.reason = reason;
    if (action === 'block') body.block = true;
    var buttons = item.querySelectorAll('button.decide');
    buttons.forEach(function (b) { b.disabled = true; });
    say('Sending…');
    call('POST', '/v1/admin/assets/' + encodeURIComponent(item.dataset.assetId) + '/moderation', body)
      .then(function (r) {
        if (r.status !== 200) { say(refusal(r, 'The decision')); buttons.forEach(function (b) { b.disabled = false; }); return; }
        item.querySelector('.status').textContent = r.body.status;
        item.dataset.decided = action;
        say(DONE[action] + ': the asset is ' + r.body.status + '.');
        nextFocus(item);
        item.querySelector('.decisions').remove();
      })
      .catch(function () { say('Lost contact with the server.'); buttons.forEach(function (b) { b.disabled = false; }); });
  }

  function cell(text, className) {
    var td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function entryRow(entry) {
    var tr = document.createElement('tr');
    tr.dataset.entryId = entry.id;
    var del = document.createElement('button');
    del.type = 'button';
    del.className = 'delete';
    del.textContent = 'Delete';
    del.setAttribute('aria-label', 'Delete ' + entry.hash);
    var last = document.createElement('td');
    last.appendChild(del);
    tr.append(cell(entry.hash, 'hash mono'), cell(entry.reason || '—'), cell(entry.assetId || '—', 'mono'), cell(entry.createdAt, 'muted'), last);
    return tr;
  }

  function addEntry(form) {
    var say = function (text) { document.getElementById('blocklist-message').textContent = text; };
    var body = { hash: form.elements.hash.value.trim().toLowerCase() };
    var reason = form.elements.reason.value.trim();
    if (reason) body.reason = reason;
    say('Adding…');
    call('POST', '/v1/admin/blocklist', body)
      .then(function (r) {
        if (r.status !== 201) { say(refusal(r, 'Adding')); return; }
        var tbody = document.querySelector('#blocklist tbody');
        var empty = tbody.querySelector('tr.empty');
        if (empty) empty.remove();
        r.body.items.forEach(function (entry) {
          if (!tbody.querySelector('tr[data-entry-id="' + entry.id + '"]')) tbody.appendChild(entryRow(entry));
        });
        form.reset();
        say('Added ' + body.hash + '.');
      })
      .catch(function () { say('Lost contact with the server.'); });
  }

  function deleteEntry(row, button) {
    var say = function (text) { document.getElementById('blocklist-message').textContent = text; };
    button.disabled = true;
    call('DELETE', '/v1/admin/blocklist/' + encodeURIComponent(row.dataset.entryId))
      .then(function (r) {
        if (r.status !== 204) { say(refusal(r, 'Deleting')); button.disabled = false; return; }
        say('Deleted ' + row.querySelector('.hash').textContent + '.');
        document.getElementById('blocklist-hash').focus();
        row.remove();
      })
      .catch(function () { say('Lost contact with the server.'); button.disabled = false; });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button');
    if (!button || button.disabled) return;
    if (button.classList.contains('decide')) decide(button.closest('li'), button);
    else if (button.classList.contains('delete')) deleteEntry(button.closest('tr'), button);
  });
  document.getElementById('blocklist-add').addEventListener('submit', function (event) {
    event.preventDefault();
    addEntry(event.target);
  });
})();
`;
