// pagekeep web UI: plain JavaScript over the JSON API. Every piece of archived text is put in the
// page as text (never as HTML); search highlights are rebuilt from the server's <mark> snippets.
import { framedUrl } from './wayback.js';
import { adoptKeyFromLogin, KEY_HEADER, sessionKey } from './session.js';

adoptKeyFromLogin();

const $ = (sel, root = document) => root.querySelector(sel);
const view = () => $('#view');

// ---------------------------------------------------------------- API

async function api(method, path, body, contentType) {
  const init = { method, headers: { Accept: 'application/json', [KEY_HEADER]: sessionKey() } };
  if (body !== undefined) {
    init.body = contentType ? body : JSON.stringify(body);
    init.headers['Content-Type'] = contentType || 'application/json';
  }
  const res = await fetch(path, init);
  const type = res.headers.get('Content-Type') || '';
  const data = type.startsWith('application/json') ? await res.json() : null;
  if (res.status === 401) throw new Error('Your session has ended: open the archive again with a fresh login link (pagekeep open prints one).');
  if (!res.ok) throw new Error(data && data.error ? data.error.message : 'HTTP ' + res.status);
  return data;
}

// ---------------------------------------------------------------- DOM helpers

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** Rebuilds "<mark>" highlighting from server HTML without ever inserting its markup. */
function highlighted(html) {
  const frag = document.createDocumentFragment();
  const doc = new DOMParser().parseFromString('<body>' + (html || ''), 'text/html');
  for (const n of doc.body.childNodes) {
    if (n.nodeType === Node.ELEMENT_NODE && n.tagName === 'MARK') frag.append(el('mark', { text: n.textContent }));
    else frag.append(document.createTextNode(n.textContent));
  }
  return frag;
}

function human(ts, seconds) {
  const d = new Date(Date.UTC(+ts.slice(0, 4), +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(8, 10), +ts.slice(10, 12), +ts.slice(12, 14)));
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: seconds ? 'medium' : 'short' });
}

function bytes(n) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function toast(message, isError) {
  const s = $('#status');
  s.textContent = message;
  s.className = 'toast' + (isError ? ' error' : '');
  s.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { s.hidden = true; }, isError ? 8000 : 3000);
}

function render(...nodes) {
  view().replaceChildren(...nodes);
}

function failure(e) {
  render(el('p', { class: 'error', text: e.message }));
}

// ---------------------------------------------------------------- rows

const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many);

/** What a URL's Delete removes, said on the button: "Delete 1 version", "Delete all 3 versions". */
const deleteAllLabel = n => n === 1 ? 'Delete 1 version' : 'Delete all ' + n + ' versions';

/** A URL's tags as chips; each runs the tags: search. */
function tagChips(tags) {
  if (!tags || !tags.length) return null;
  return el('span', { class: 'tags' }, tags.map(t => el('a', { class: 'tag', title: 'Pages tagged ' + t,
    href: '#/search/' + encodeURIComponent('tags:"' + t.replace(/["\\]/g, ' ').trim() + '"'), text: t })));
}

/** One URL: its newest snapshot, how many versions it has, its tags. */
function snapshotRow(s) {
  const title = s.titleHighlight ? highlighted(s.titleHighlight) : (s.title && s.title.trim() ? s.title : s.url);
  const versions = s.versions || 1;
  const row = el('li', { class: 'row', tabindex: '0', 'data-replay': s.replay, 'data-hash': s.hashUrl },
    el('a', { class: 'title', href: s.replay }, title),
    el('div', { class: 'url', text: s.url }),
    el('div', { class: 'meta' }, el('time', { text: human(s.timestamp, true) }), ' · ',
      el('a', { class: 'versions', href: '#/url/' + s.hashUrl, text: plural(versions, 'version', 'versions') }),
      tagChips(s.tags)),
    el('div', { class: 'actions' },
      el('button', { class: 'danger', title: 'Delete every snapshot of ' + s.url, onclick: () => deleteUrl(s, row, versions) },
        deleteAllLabel(versions))));
  if (s.snippet !== undefined) row.append(el('div', { class: 'snippet' }, highlighted(s.snippet)));
  return row;
}

async function deleteUrl(s, row, versions) {
  if (!confirm((versions > 1 ? 'Delete all ' + versions + ' versions of ' : 'Delete the snapshot of ') + s.url + '?')) return;
  try {
    const r = await api('DELETE', '/api/snapshots/' + s.urlKey);
    if (row) row.remove();
    toast('Deleted ' + plural(r.deleted, 'version', 'versions') + ' of ' + s.url);
    refreshStats();
  } catch (e) { toast(e.message, true); }
}

/** A list that loads page after page through the API's cursor. */
async function pagedList(heading, pathFor, rowFor, emptyText) {
  const list = el('ol', { class: 'rows' });
  const more = el('button', { class: 'more', hidden: true }, 'More');
  render(heading, list, more);
  let cursor = null;
  const load = async () => {
    more.disabled = true;
    const data = await api('GET', pathFor(cursor));
    const items = data.snapshots || data.saves || [];
    for (const item of items) list.append(rowFor(item));
    if (!list.children.length) list.replaceWith(el('p', { class: 'empty', text: emptyText }));
    cursor = data.next || null;
    more.hidden = !cursor;
    more.disabled = false;
  };
  more.addEventListener('click', () => load().catch(failure));
  await load();
}

// ---------------------------------------------------------------- views

function showNewest() {
  return pagedList(el('h1', { text: 'Newest snapshots' }),
    c => '/api/snapshots?group=url&limit=50' + (c ? '&cursor=' + encodeURIComponent(c) : ''),
    snapshotRow, 'Nothing archived yet. Save a page with the extension, pagekeep save URL, or import your bookmarks.');
}

function showSearch(q) {
  $('#q').value = q;
  return pagedList(el('h1', {}, 'Results for ', el('q', { text: q })),
    c => '/api/snapshots?limit=30&q=' + encodeURIComponent(q) + (c ? '&cursor=' + encodeURIComponent(c) : ''),
    snapshotRow, 'No page matches. Try fewer words, or a prefix like archiv*.');
}

async function showTimeline(hashUrl) {
  const data = await api('GET', '/api/snapshots/' + encodeURIComponent(hashUrl));
  const versions = data.versions.slice().reverse();
  const byYear = new Map();
  for (const v of data.versions) {
    const y = v.timestamp.slice(0, 4);
    if (!byYear.has(y)) byYear.set(y, new Array(12).fill(0));
    byYear.get(y)[+v.timestamp.slice(4, 6) - 1]++;
  }
  const years = el('div', { class: 'years', 'aria-label': 'Snapshots per month' });
  for (const [y, months] of byYear) {
    const max = Math.max(...months);
    const bars = months.map((n, i) => el('span', {
      class: n ? '' : 'zero',
      style: 'height:' + (n ? Math.max(4, Math.round(34 * n / max)) : 1) + 'px',
      title: new Date(Date.UTC(+y, i, 1)).toLocaleString(undefined, { month: 'long' }) + ' ' + y + ': ' + n,
    }));
    const total = months.reduce((a, b) => a + b, 0);
    years.append(el('div', { class: 'year' }, el('b', { text: y + ' (' + total + ')' }), el('div', { class: 'months' }, bars)));
  }
  const list = el('ol', { class: 'rows' });
  versions.forEach((v, i) => {
    const previous = versions[i + 1]; // newest first: the next row is the version before this one
    const row = el('li', { class: 'row', tabindex: '0', 'data-replay': v.replay },
      el('a', { class: 'title', href: v.replay, text: human(v.timestamp, true) },
        v.unchanged ? el('span', { class: 'unchanged', title: 'The same text as the version before', text: 'unchanged' }) : null),
      el('div', { class: 'meta' }, 'HTTP ' + v.status + ' · ' + (v.contentType || 'unknown type') + ' · ' + bytes(v.size)
        + (v.requisites ? ' · ' + v.requisites + ' requisites' : '') + ' · ',
        el('a', { href: '/reader/' + data.urlKey + '/' + v.timestamp, text: 'reader view' }),
        previous ? ' · ' : '',
        previous ? el('a', { class: 'diff', href: '/diff/' + previous.timestamp + '/' + v.timestamp + '/' + data.url,
          text: 'changes since ' + human(previous.timestamp, true) }) : ''),
      el('div', { class: 'actions' }, el('button', { class: 'danger', onclick: async () => {
        if (!confirm('Delete the version of ' + human(v.timestamp, true) + '? The other versions stay.')) return;
        try {
          await api('DELETE', '/api/snapshots/' + data.urlKey + '/' + v.timestamp);
          row.remove();
          toast('Version deleted');
          refreshStats();
          if (!list.children.length) location.hash = '#/';
        } catch (e) { toast(e.message, true); }
      } }, 'Delete this version')));
    list.append(row);
  });
  const n = data.versions.length;
  render(el('h1', { text: data.title || data.url }),
    el('p', { class: 'url' }, el('a', { href: data.url, rel: 'noreferrer noopener', target: '_blank', text: data.url }), ' (live)'),
    el('p', {}, plural(n, 'version', 'versions') + ' · ', el('a', { href: framedUrl(data.url), text: 'newest' }), ' ',
      tagChips(data.tags), ' · ',
      el('button', { class: 'danger', onclick: () => deleteUrl(data, null, n).then(() => { location.hash = '#/'; }) }, deleteAllLabel(n))),
    years, list);
}

function failedRow(s) {
  const row = el('li', { class: 'row', tabindex: '0' },
    el('a', { class: 'title', href: s.url, rel: 'noreferrer noopener', target: '_blank', text: s.title || s.url }),
    el('div', { class: 'error', text: s.error || 'failed' }),
    el('div', { class: 'meta', text: s.url + ' · ' + s.attempts + ' attempt(s) · ' + (s.source || '') }),
    el('div', { class: 'actions' },
      el('button', { onclick: async () => {
        try { await api('POST', '/api/saves/' + s.id + '/retry'); row.remove(); toast('Queued again'); refreshStats(); }
        catch (e) { toast(e.message, true); }
      } }, 'Retry'),
      el('button', { class: 'danger', onclick: async () => {
        try { await api('DELETE', '/api/saves/' + s.id); row.remove(); toast('Removed'); refreshStats(); }
        catch (e) { toast(e.message, true); }
      } }, 'Delete')));
  return row;
}

function showFailed() {
  return pagedList(el('h1', { text: 'Failed saves' }),
    c => '/api/saves?state=failed&limit=50' + (c ? '&cursor=' + encodeURIComponent(c) : ''),
    failedRow, 'No failed saves.');
}

// Saves whose server fetch met a login, paywall, consent or bot wall: the extension captures them
// in a background tab the next time it runs (Retry fetches on the server again).
function showNeedsBrowser() {
  return pagedList(el('h1', { text: 'Waiting for the browser' }),
    c => '/api/saves?state=needs-browser&limit=50' + (c ? '&cursor=' + encodeURIComponent(c) : ''),
    failedRow, 'No saves wait for the browser.');
}

function importPanel(job) {
  const finished = job.done + job.failed;
  const pct = job.queued ? Math.round(100 * finished / job.queued) : (job.state === 'finished' ? 100 : 0);
  const eta = job.etaSeconds === undefined ? '?' : job.etaSeconds + ' s';
  return el('div', { class: 'panel', 'data-import': job.id },
    el('b', { text: job.name }), ' — ', job.state, ' (' + job.format + ')',
    el('div', { class: 'progress', role: 'progressbar', 'aria-valuenow': pct, 'aria-valuemin': 0, 'aria-valuemax': 100 },
      el('div', { style: 'width:' + pct + '%' })),
    el('div', { class: 'meta', text: 'queued ' + job.queued + ' · done ' + job.done + ' · failed ' + job.failed
      + ' · already queued ' + job.existing + ' · skipped ' + job.skipped + ' · ' + job.rate + '/s · ETA ' + eta }),
    job.errors ? el('details', {}, el('summary', { text: 'Skipped lines' }), el('pre', { text: job.errors.join('\n') })) : null);
}

async function showImportExport() {
  const file = el('input', { type: 'file', id: 'import-file', accept: '.html,.htm,.txt,.warc,.gz,.wacz,text/html,text/plain' });
  const jobs = el('div', { id: 'imports' });
  const form = el('form', { class: 'panel', onsubmit: async ev => {
    ev.preventDefault();
    if (!file.files.length) { toast('Choose a file first', true); return; }
    const f = file.files[0];
    toast('Uploading ' + f.name + '…');
    const poller = setInterval(() => refreshImports(jobs), 1000);
    try {
      const job = await api('POST', '/api/imports?name=' + encodeURIComponent(f.name), f, 'application/octet-stream');
      toast('Queued ' + job.queued + ' URLs from ' + f.name);
    } catch (e) { toast(e.message, true); }
    clearInterval(poller);
    followImports(jobs);
  } },
    el('h2', { text: 'Import' }),
    el('p', { text: 'A bookmarks file exported from Chrome or Firefox (folders become tags), a text file with one URL a line, or a WARC or WACZ web archive (its pages become snapshots, nothing is fetched).' }),
    el('label', { for: 'import-file', text: 'File: ' }), file, ' ', el('button', { type: 'submit' }, 'Import'));
  const exports = el('div', { class: 'panel' }, el('h2', { text: 'Export' }),
    el('p', {}, exportButton('warc', 'WARC (.warc.gz)'), ' ', exportButton('wacz', 'WACZ (.wacz)'), ' ',
      exportButton('site', 'Static site (.zip)'), ' ', exportButton('markdown', 'Markdown (.zip)')),
    el('p', { class: 'meta', text: 'WARC replays in pywb and other Wayback tools; WACZ opens in ReplayWeb.page (with search); the site opens from disk (index.html).' }));
  render(el('h1', { text: 'Import & export' }), form, el('h2', { text: 'Recent imports' }), jobs, exports);
  followImports(jobs);
}

/**
 * A download is a plain navigation, which cannot send the session's key: the button asks the API for
 * a one-time ticket first, and the download link carries it.
 */
function exportButton(format, label) {
  return el('a', { class: 'button', href: '/api/export?format=' + format, 'data-export': format, onclick: async ev => {
    ev.preventDefault();
    try {
      const { ticket } = await api('POST', '/api/export-tickets');
      location.href = '/api/export?format=' + format + '&ticket=' + encodeURIComponent(ticket);
    } catch (e) { toast(e.message, true); }
  } }, label);
}

async function refreshImports(box) {
  const data = await api('GET', '/api/imports');
  box.replaceChildren(...(data.imports.length ? data.imports.map(importPanel) : [el('p', { class: 'empty', text: 'No imports yet.' })]));
  return data.imports.some(j => j.state === 'reading' || j.state === 'queued');
}

async function followImports(box) {
  clearTimeout(followImports.timer);
  try {
    const running = await refreshImports(box);
    if (running && document.body.contains(box)) followImports.timer = setTimeout(() => followImports(box), 1000);
    refreshStats();
  } catch (e) { toast(e.message, true); }
}

// ---------------------------------------------------------------- stats, routing, keys

async function refreshStats() {
  try {
    const s = await api('GET', '/api/stats');
    $('#stats').textContent = s.snapshots + ' snapshots of ' + s.urls + ' URLs · ' + s.saves.queued + ' queued · '
      + s.saves.fetching + ' fetching · ' + s.saves.failed + ' failed · ' + bytes(s.bytes.stored) + ' stored ('
      + bytes(s.bytes.logical) + ' before deduplication and compression)';
    const badge = $('#failed-count');
    badge.textContent = s.saves.failed;
    badge.hidden = !s.saves.failed;
    const waiting = $('#needs-browser-count');
    waiting.textContent = s.saves.needsBrowser || 0;
    waiting.hidden = !s.saves.needsBrowser;
  } catch (e) { $('#stats').textContent = e.message; }
}

function route() {
  const hash = decodeURIComponent(location.hash.slice(1) || '/');
  let section = 'newest';
  let work;
  if (hash.startsWith('/search/')) { section = null; work = showSearch(hash.slice(8)); }
  else if (hash.startsWith('/url/')) { section = null; work = showTimeline(hash.slice(5)); }
  else if (hash === '/failed') { section = 'failed'; work = showFailed(); }
  else if (hash === '/needs-browser') { section = 'needs-browser'; work = showNeedsBrowser(); }
  else if (hash === '/io') { section = 'io'; work = showImportExport(); }
  else work = showNewest();
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  Promise.resolve(work).then(() => { const first = $('.row', view()); if (first && hash !== '/io') first.focus(); }).catch(failure);
}

function moveFocus(step) {
  const rows = [...document.querySelectorAll('#view .row')];
  if (!rows.length) return;
  const i = rows.indexOf(document.activeElement.closest && document.activeElement.closest('.row'));
  const next = rows[Math.max(0, Math.min(rows.length - 1, i < 0 ? 0 : i + step))];
  next.focus();
  next.scrollIntoView({ block: 'nearest' });
}

document.addEventListener('keydown', ev => {
  const typing = ev.target.matches('input, textarea, select');
  if (ev.key === 'Escape' && typing) { ev.target.blur(); return; }
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const row = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.row') : null;
  switch (ev.key) {
    case '/': ev.preventDefault(); $('#q').focus(); $('#q').select(); break;
    case 'j': moveFocus(1); break;
    case 'k': moveFocus(-1); break;
    case 'n': location.hash = '#/'; break;
    case 'f': location.hash = '#/failed'; break;
    case 'i': location.hash = '#/io'; break;
    case 't': if (row && row.dataset.hash) location.hash = '#/url/' + row.dataset.hash; break;
    case 'Enter': if (row === document.activeElement && row.dataset.replay) location.href = row.dataset.replay; break;
    default: return;
  }
});

document.addEventListener('DOMContentLoaded', () => {
  $('#search').addEventListener('submit', ev => {
    ev.preventDefault();
    const q = $('#q').value.trim();
    location.hash = q ? '#/search/' + encodeURIComponent(q) : '#/';
  });
  window.addEventListener('hashchange', route);
  refreshStats();
  setInterval(refreshStats, 10000);
  route();
});
