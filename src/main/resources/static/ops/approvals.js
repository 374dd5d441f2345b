// The approval queue console: a thin client of /ops/api/approvals. Partner data is untrusted: it is only ever
// written with textContent, never as HTML.
(function () {
  'use strict';
  const api = '/ops/api/approvals';
  const $ = (id) => document.getElementById(id);
  let nextCursor = null;

  function filters() {
    const params = new URLSearchParams();
    const fields = { tenant: 'f-tenant', route: 'f-route', status: 'f-status', errorType: 'f-error', olderThan: 'f-older' };
    for (const [name, id] of Object.entries(fields)) {
      const value = $(id).value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  function csrfHeaders() {
    const token = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
    return token ? { 'X-XSRF-TOKEN': decodeURIComponent(token.split('=')[1]) } : {};
  }

  async function call(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: Object.assign({ 'Accept': 'application/json', 'Content-Type': 'application/json' }, csrfHeaders()),
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await response.text();
    const json = text && (response.headers.get('Content-Type') || '').includes('json') ? JSON.parse(text) : null;
    if (!response.ok) {
      throw new Error((json && (json.detail || json.title)) || ('HTTP ' + response.status + ' ' + response.statusText));
    }
    if (text && json === null) {
      // e.g. a login page after the session ended somewhere between the hub and the browser
      throw new Error('The hub did not answer with JSON: reload the page (and log in again).');
    }
    return json;
  }

  // While a write is under way its buttons are disabled, so a double click cannot decide twice.
  async function busy(buttons, work) {
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await work();
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  function say(text, kind) {
    const message = $('message');
    message.textContent = text;
    message.className = kind || '';
  }

  function age(seconds) {
    if (seconds === null || seconds === undefined) return 'none';
    if (seconds < 120) return seconds + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    return Math.round(seconds / 3600) + ' h';
  }

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    row.appendChild(td);
    return td;
  }

  function button(label, className, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = className;
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  function renderItem(item) {
    const row = document.createElement('tr');
    row.dataset.itemId = item.id;
    row.dataset.status = item.status;
    row.className = 'status-' + item.status;
    cell(row, item.tenantId);
    cell(row, item.routeId);
    cell(row, item.endpoint);
    const error = cell(row, item.errorMessage);
    error.className = 'error';
    const type = document.createElement('small');
    type.textContent = item.errorType;
    error.appendChild(type);
    cell(row, item.attempts);
    cell(row, item.firstFailedAt);
    cell(row, item.lastFailedAt);
    cell(row, item.status).className = 'status';
    cell(row, item.decidedBy ? item.decidedBy + (item.reason ? ': ' + item.reason : '') : '');
    const actions = document.createElement('td');
    actions.appendChild(button('Detail', 'detail', () => showDetail(item.id)));
    if (item.status === 'pending' || item.status === 'replay_failed') {
      actions.appendChild(button('Grant', 'grant', () => decide(item.id, 'grant', actions)));
      actions.appendChild(button('Deny', 'deny', () => decide(item.id, 'deny', actions)));
    }
    row.appendChild(actions);
    return row;
  }

  // Answers can arrive out of order (the first page load and an applied filter, say): only the latest request's
  // answer is shown, so an older, slower one never overwrites what the operator asked for last.
  let latestLoad = 0;
  let latestSummary = 0;

  async function load(append) {
    const mine = ++latestLoad;
    const params = filters();
    if (append && nextCursor) params.set('after', nextCursor);
    const page = await call('GET', api + '?' + params.toString());
    if (mine !== latestLoad) return;
    const body = $('items').querySelector('tbody');
    if (!append) body.replaceChildren();
    page.items.forEach((item) => body.appendChild(renderItem(item)));
    nextCursor = page.next;
    $('more').hidden = !nextCursor;
    await loadSummary();
  }

  async function loadSummary() {
    const params = new URLSearchParams();
    const tenant = $('f-tenant').value.trim();
    const route = $('f-route').value.trim();
    if (tenant) params.set('tenant', tenant);
    if (route) params.set('route', route);
    const mine = ++latestSummary;
    const summary = await call('GET', api + '/summary?' + params.toString());
    if (mine !== latestSummary) return;
    $('pending-count').textContent = String(summary.pending);
    $('oldest-age').textContent = age(summary.oldestPendingAgeSeconds);
    const list = (id, entries, key) => {
      const ul = $(id);
      ul.replaceChildren();
      entries.forEach((entry) => {
        const li = document.createElement('li');
        li.textContent = entry[key] + ': ' + entry.pending;
        ul.appendChild(li);
      });
    };
    list('by-route', summary.byRoute, 'routeId');
    list('by-tenant', summary.byTenant, 'tenantId');
  }

  async function decide(id, verb, actions) {
    const reason = $('reason').value.trim();
    if (verb === 'deny' && !reason) {
      say('A denial needs a reason: fill in the reason field.', 'error');
      return;
    }
    await busy(Array.from(actions.querySelectorAll('button')), async () => {
      try {
        const item = await call('POST', api + '/' + encodeURIComponent(id) + '/' + verb, reason ? { reason } : {});
        $('reason').value = ''; // a reason belongs to one decision, never to the next one
        say('Item ' + id + ' is now ' + item.status + '.', 'ok');
        await load(false);
      } catch (e) {
        say(e.message, 'error');
      }
    });
  }

  async function bulk(verb) {
    const params = filters();
    const body = {};
    for (const name of ['tenant', 'route', 'errorType', 'olderThan']) {
      if (params.get(name)) body[name] = params.get(name);
    }
    if (Object.keys(body).length === 0) body.all = true;
    const reason = $('reason').value.trim();
    if (verb === 'deny' && !reason) {
      say('A denial needs a reason: fill in the reason field.', 'error');
      return;
    }
    if (reason) body.reason = reason;
    const scope = body.all ? 'ALL pending items' : 'every pending item matching the filters';
    if (!window.confirm((verb === 'grant' ? 'Grant (replay) ' : 'Deny ') + scope + '?')) return;
    await busy([$('bulk-grant'), $('bulk-deny')], async () => {
      try {
        const result = await call('POST', api + '/' + verb, body);
        $('reason').value = '';
        say(verb + ': ' + result.count + ' item(s)' + (result.more ? '; more match, run it again' : '') + '.', 'ok');
        await load(false);
      } catch (e) {
        say(e.message, 'error');
      }
    });
  }

  function definitions(id, entries) {
    const dl = $(id);
    dl.replaceChildren();
    entries.forEach(([term, value]) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value === null || value === undefined ? '' : String(value);
      dl.append(dt, dd);
    });
  }

  async function showDetail(id) {
    try {
      const path = api + '/' + encodeURIComponent(id);
      const [item, preview] = await Promise.all([call('GET', path), call('GET', path + '/preview')]);
      $('detail').dataset.itemId = id;
      $('detail-id').textContent = id;
      definitions('detail-meta', [
        ['Status', item.status], ['Tenant', item.tenantId], ['Route', item.routeId], ['Endpoint', item.endpoint],
        ['Error', item.errorMessage + ' (' + item.errorType + ')'], ['Attempts', item.attempts],
        ['First failure', item.firstFailedAt], ['Last failure', item.lastFailedAt],
        ['Decided by', item.decidedBy], ['Decided at', item.decidedAt], ['Reason', item.reason]]);
      definitions('detail-headers', Object.entries(item.headers || {}));
      $('detail-payload').textContent = preview.payload !== undefined
        ? JSON.stringify(preview.payload, null, 2) : preview.text;
      $('detail').hidden = false;
    } catch (e) {
      say(e.message, 'error');
    }
  }

  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    load(false).catch((e) => say(e.message, 'error'));
  });
  $('next-page').addEventListener('click', () => load(true).catch((e) => say(e.message, 'error')));
  $('bulk-grant').addEventListener('click', () => bulk('grant'));
  $('bulk-deny').addEventListener('click', () => bulk('deny'));
  $('detail-close').addEventListener('click', () => { $('detail').hidden = true; });
  load(false).catch((e) => say(e.message, 'error'));
}());
