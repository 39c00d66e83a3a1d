/**
 * The failed-jobs page's inline script (plain browser JavaScript, sent as is). It
 * - swaps a preview that does not decode for a placeholder naming the error the preview route gave;
 * - retries a job through `POST /v1/admin/jobs/:id/retry`, signed in by the session cookie and
 *   sending the CSRF header, then polls `GET /admin/api/jobs/:id` and shows the row's new state.
 * It writes data into the page only through textContent, never as HTML.
 */
export const FAILED_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var CSRF = { 'x-darkroom-csrf': '1' };

  function placeholder(img) {
    var box = document.createElement('div');
    box.className = 'placeholder';
    box.textContent = 'no preview';
    img.replaceWith(box);
    fetch(img.getAttribute('data-src'), { headers: { accept: 'application/json' } })
      .then(function (res) { return res.json(); })
      .then(function (body) { if (body && body.error) { box.textContent = body.error.code; box.title = body.error.message; } })
      .catch(function () {});
  }

  function watchPreview(img) {
    if (img.complete && img.naturalWidth === 0 && img.getAttribute('src')) placeholder(img);
    else img.addEventListener('error', function () { placeholder(img); }, { once: true });
  }

  function refreshPreview(row) {
    var src = '/admin/assets/' + encodeURIComponent(row.dataset.assetId) + '/original-preview';
    var img = document.createElement('img');
    img.setAttribute('data-src', src);
    img.alt = 'original';
    img.addEventListener('error', function () { placeholder(img); }, { once: true });
    img.src = src + '?t=' + Date.now();
    var old = row.querySelector('.preview img, .preview .placeholder');
    if (old) old.replaceWith(img); else row.querySelector('.preview').appendChild(img);
  }

  function showJob(row, job, assetStatus) {
    var state = row.querySelector('.state');
    state.textContent = job.state;
    state.setAttribute('data-state', job.state);
    row.querySelector('.attempts').textContent = job.attempts + '/' + job.maxAttempts;
    row.querySelector('.finished').textContent = job.finishedAt || '';
    if (assetStatus) row.querySelector('.asset-status').textContent = assetStatus;
    var error = row.querySelector('.error');
    error.textContent = '';
    if (job.error) {
      var code = document.createElement('span');
      code.className = 'errcode';
      code.textContent = job.error.code;
      var message = document.createElement('span');
      message.className = 'errmsg';
      message.textContent = job.error.message;
      error.append(code, document.createElement('br'), message);
    }
    row.querySelector('button.retry').disabled = job.state !== 'failed';
  }

  function say(row, text) { row.querySelector('.row-message').textContent = text; }

  function poll(row, tries) {
    fetch('/admin/api/jobs/' + encodeURIComponent(row.dataset.jobId), { headers: { accept: 'application/json' } })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (r) {
        if (!r.ok) { say(row, r.body.error ? r.body.error.message : 'Could not read the job.'); return; }
        showJob(row, r.body.job, r.body.asset && r.body.asset.status);
        var done = r.body.job.state === 'completed' || r.body.job.state === 'failed';
        if (done) {
          say(row, r.body.job.state === 'completed' ? 'Retried: the job completed.' : 'Retried: the job failed again.');
          refreshPreview(row);
        } else if (tries > 0) setTimeout(function () { poll(row, tries - 1); }, 1000);
        else say(row, 'Still ' + r.body.job.state + '; reload the page later.');
      })
      .catch(function () { say(row, 'Lost contact with the server; reload the page.'); });
  }

  function retry(row, button) {
    button.disabled = true;
    say(row, 'Retrying…');
    fetch('/v1/admin/jobs/' + encodeURIComponent(row.dataset.jobId) + '/retry', { method: 'POST', headers: CSRF, credentials: 'same-origin' })
      .then(function (res) { return res.json().then(function (body) { return { status: res.status, body: body }; }); })
      .then(function (r) {
        if (r.status !== 202) {
          say(row, r.body.error ? r.body.error.code + ': ' + r.body.error.message : 'Retry failed (' + r.status + ').');
          button.disabled = false;
          return;
        }
        showJob(row, r.body.job, 'queued');
        say(row, 'Queued for a new attempt…');
        poll(row, 120);
      })
      .catch(function () { say(row, 'Lost contact with the server.'); button.disabled = false; });
  }

  document.querySelectorAll('td.preview img').forEach(watchPreview);
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button.retry');
    if (button && !button.disabled) retry(button.closest('tr'), button);
  });
})();
`;
