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

// One formatter each (toLocaleString makes a new one per call: slow over thousands of versions).
const WHEN = { true: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }),
  false: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }) };

function human(ts, seconds) {
  const d = new Date(Date.UTC(+ts.slice(0, 4), +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(8, 10), +ts.slice(10, 12), +ts.slice(12, 14)));
  return WHEN[Boolean(seconds)].format(d);
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
  view().replaceChildren(...nodes.filter(n => n !== null && n !== undefined));
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

/** "gone since …" for a URL whose live page is gone (link rot), with why in its tooltip; null otherwise. */
function goneNote(g) {
  if (!g) return null;
  const day = iso => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
  return el('span', { class: 'gone', title: 'The live page is gone: ' + g.reason + ' (first seen ' + new Date(g.since).toLocaleString()
    + ', last checked ' + new Date(g.lastChecked).toLocaleString() + ')', text: 'gone since ' + day(g.since) });
}

/** One URL: its newest snapshot, how many versions it has, its tags, whether the live page is gone. */
function snapshotRow(s) {
  const title = s.titleHighlight ? highlighted(s.titleHighlight) : (s.title && s.title.trim() ? s.title : s.url);
  const versions = s.versions || 1;
  const row = el('li', { class: 'row', tabindex: '0', 'data-replay': s.replay, 'data-hash': s.hashUrl },
    el('a', { class: 'title', href: s.replay }, title),
    el('div', { class: 'url', text: s.url }),
    el('div', { class: 'meta' }, el('time', { text: human(s.timestamp, true) }), ' · ',
      el('a', { class: 'versions', href: '#/url/' + s.hashUrl, text: plural(versions, 'version', 'versions') }),
      s.gone ? ' · ' : null, goneNote(s.gone), tagChips(s.tags)),
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

async function showTimeline(hashUrl, year) {
  const data = await api('GET', '/api/snapshots/' + encodeURIComponent(hashUrl));
  const versions = data.versions.slice().reverse(); // newest first
  const years = new Set(data.versions.map(v => yearOf(v.timestamp)));
  const list = el('ol', { class: 'rows' });
  // With captures in several years, the list shows the year the calendar shows.
  const caption = el('h2', { class: 'list-year', hidden: years.size < 2 });
  const rowFor = (v, previous) => {
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
          if (data.versions.length === 1) location.hash = '#/';
          else route(); // the calendar and the list again, without it
        } catch (e) { toast(e.message, true); }
      } }, 'Delete this version')));
    return row;
  };
  const showYear = y => {
    const rows = [];
    versions.forEach((v, i) => { if (yearOf(v.timestamp) === y) rows.push(rowFor(v, versions[i + 1])); });
    list.replaceChildren(...rows);
    caption.textContent = plural(rows.length, 'version', 'versions') + ' in ' + y;
  };
  const calendar = captureCalendar(data, year, showYear);
  const n = data.versions.length;
  render(el('h1', { text: data.title || data.url }),
    el('p', { class: 'url' }, el('a', { href: data.url, rel: 'noreferrer noopener', target: '_blank', text: data.url }), data.gone ? ' ' : ' (live)', goneNote(data.gone)),
    el('p', {}, plural(n, 'version', 'versions') + ' · ', el('a', { href: framedUrl(data.url), text: 'newest' }), ' ',
      tagChips(data.tags), ' · ',
      el('button', { class: 'danger', onclick: () => deleteUrl(data, null, n).then(() => { location.hash = '#/'; }) }, deleteAllLabel(n))),
    calendar, await recaptureNote(hashUrl), caption, list);
}

// ---------------------------------------------------------------- the calendar of captures

const MONTHS = Array.from({ length: 12 }, (_, i) => new Date(2001, i, 1).toLocaleString(undefined, { month: 'long' }));
const WEEKDAYS = Array.from({ length: 7 }, (_, i) => new Date(2001, 0, 7 + i).toLocaleString(undefined, { weekday: 'narrow' }));
const pad2 = n => String(n).padStart(2, '0');

/** A capture's moment, from its 14-digit UTC timestamp. */
const momentOf = ts => new Date(Date.UTC(+ts.slice(0, 4), +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(8, 10), +ts.slice(10, 12), +ts.slice(12, 14)));

/** The day a capture belongs to, "yyyy-mm-dd" in the viewer's time zone (as every time in the UI is shown). */
const dayOf = ts => { const d = momentOf(ts); return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()); };
const yearOf = ts => momentOf(ts).getFullYear();
const LONG_DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });
const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/**
 * A year calendar of a URL's captures, in the spirit of the Wayback Machine's: a row of years, each
 * with its number of captures and a bar per month; under it the chosen year's twelve months, where
 * a day with captures is a link, ringed more widely the more captures it has. One capture: the link
 * opens it; several: it lists them, each opening its replay. onYear(year) is told the year shown.
 */
function captureCalendar(data, wantedYear, onYear = () => {}) {
  const byDay = new Map(); // "yyyy-mm-dd" -> versions, oldest first
  for (const v of data.versions) {
    const d = dayOf(v.timestamp);
    if (!byDay.has(d)) byDay.set(d, []);
    byDay.get(d).push(v);
  }
  const perYear = new Map();
  for (const [d, vs] of byDay) {
    const y = +d.slice(0, 4);
    if (!perYear.has(y)) perYear.set(y, new Array(12).fill(0));
    perYear.get(y)[+d.slice(5, 7) - 1] += vs.length;
  }
  const known = [...perYear.keys()];
  const first = Math.min(...known), last = Math.max(...known);
  let year = known.includes(+wantedYear) ? +wantedYear : last;
  const total = y => perYear.has(y) ? perYear.get(y).reduce((a, b) => a + b, 0) : 0;
  let most = 1;
  for (let y = first; y <= last; y++) most = Math.max(most, total(y));

  const box = el('section', { class: 'calendar', 'aria-label': 'Captures by day' });
  const years = el('div', { class: 'years', role: 'group', 'aria-label': 'Years' });
  const months = el('div', { class: 'month-grid', role: 'group' });
  const pop = el('div', { class: 'daypop', role: 'dialog', hidden: true });
  const closePop = () => { pop.hidden = true; };

  for (let y = first; y <= last; y++) {
    const counts = perYear.get(y) || new Array(12).fill(0);
    const n = total(y);
    const peak = Math.max(1, ...counts);
    years.append(el('button', { class: 'year', type: 'button', 'data-year': y, 'aria-pressed': String(y === year), disabled: n === 0,
      title: plural(n, 'capture', 'captures') + ' in ' + y, onclick: () => { year = y; draw(); } },
      el('span', { class: 'year-bar', 'aria-hidden': 'true' },
        el('span', { style: 'height:' + Math.max(n ? 3 : 0, Math.round(100 * n / most)) + '%' })),
      el('b', { text: String(y) }),
      el('span', { class: 'year-count', text: String(n) }),
      el('span', { class: 'spark', 'aria-hidden': 'true' }, counts.map(c => el('span', { class: c ? '' : 'zero',
        style: 'height:' + (c ? Math.max(2, Math.round(14 * c / peak)) : 1) + 'px' })))));
  }

  function openDay(link, dayVersions) {
    pop.replaceChildren(
      el('b', { text: plural(dayVersions.length, 'capture', 'captures') + ' on ' + link.getAttribute('data-label') }),
      el('ul', {}, dayVersions.map(v => el('li', {}, el('a', { href: v.replay, text: TIME.format(momentOf(v.timestamp)) }),
        v.status >= 400 ? el('span', { class: 'error', text: ' HTTP ' + v.status }) : null))),
      el('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => { closePop(); link.focus(); } }, '\u00d7'));
    pop.hidden = false;
    pop.dataset.width = window.innerWidth;
    const at = link.getBoundingClientRect(), outer = box.getBoundingClientRect();
    pop.style.top = (at.bottom - outer.top + 4) + 'px';
    pop.style.left = Math.max(0, Math.min(at.left - outer.left - 20, outer.width - pop.offsetWidth)) + 'px';
    pop.querySelector('a').focus();
  }

  function monthTable(m) {
    const rows = [];
    let week = [];
    const lead = new Date(year, m, 1).getDay();
    for (let i = 0; i < lead; i++) week.push(el('td'));
    const days = new Date(year, m + 1, 0).getDate();
    for (let d = 1; d <= days; d++) {
      const key = year + '-' + pad2(m + 1) + '-' + pad2(d);
      const vs = byDay.get(key);
      let cell;
      if (vs) {
        const label = LONG_DATE.format(new Date(year, m, d));
        const link = el('a', { class: 'cap' + (vs.every(v => v.status >= 400) ? ' bad' : ''), href: vs[vs.length - 1].replay,
          'data-day': key, 'data-count': vs.length, 'data-label': label,
          style: '--ring:' + Math.min(7, Math.round(2 * Math.log2(vs.length))) + 'px',
          title: plural(vs.length, 'capture', 'captures') + ' on ' + label, 'aria-label': label + ': ' + plural(vs.length, 'capture', 'captures'),
          'aria-haspopup': vs.length > 1 ? 'dialog' : null, text: String(d) });
        if (vs.length > 1) link.addEventListener('click', ev => { ev.preventDefault(); openDay(link, vs); });
        cell = el('td', { class: 'has' }, link);
      } else cell = el('td', { text: String(d) });
      week.push(cell);
      if (week.length === 7) { rows.push(el('tr', {}, week)); week = []; }
    }
    if (week.length) rows.push(el('tr', {}, week));
    const n = perYear.has(year) ? perYear.get(year)[m] : 0;
    return el('table', { class: 'month' + (n ? '' : ' quiet') },
      el('caption', {}, MONTHS[m], n ? el('span', { class: 'month-count', text: String(n) }) : null),
      el('thead', {}, el('tr', {}, WEEKDAYS.map(w => el('th', { scope: 'col', text: w })))),
      el('tbody', {}, rows));
  }

  function draw() {
    closePop();
    for (const b of years.children) b.setAttribute('aria-pressed', String(+b.dataset.year === year));
    months.replaceChildren(...Array.from({ length: 12 }, (_, m) => monthTable(m)));
    months.setAttribute('aria-label', 'Captures in ' + year + ' (' + plural(total(year), 'capture', 'captures') + ')');
    onYear(year);
    const here = '#/url/' + data.hashUrl + (year === last ? '' : '/' + year);
    if (location.hash !== here) history.replaceState(null, '', here);
  }

  pop.addEventListener('keydown', ev => { if (ev.key === 'Escape') { closePop(); ev.stopPropagation(); } });
  box.append(years, months, pop);
  draw();
  return box;
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
  const exportJobs = el('div', { id: 'exports' });
  const exports = el('div', { class: 'panel' }, el('h2', { text: 'Export' }),
    el('p', {}, exportButton('warc', 'WARC (.warc.gz)'), ' ', exportButton('wacz', 'WACZ (.wacz)'), ' ',
      exportButton('site', 'Static site (.zip)'), ' ', exportButton('markdown', 'Markdown (.zip)')),
    el('p', { class: 'meta', text: 'WARC replays in pywb and other Wayback tools; WACZ opens in ReplayWeb.page (with search); the site opens from disk (index.html), each page as archived with a reader view beside it; Markdown keeps code, lists, tables and images.' }),
    exportJobs);
  render(el('h1', { text: 'Import & export' }), form, el('h2', { text: 'Recent imports' }), jobs, exports);
  followImports(jobs);
  followExports(exportJobs);
}

function exportPanel(job) {
  const pct = job.total ? Math.min(100, Math.round(100 * job.done / job.total)) : (job.state === 'finished' ? 100 : 0);
  return el('div', { class: 'panel', 'data-export': job.id },
    el('b', { text: job.format.toUpperCase() + ' export' }), ' — ', job.state,
    el('div', { class: 'progress', role: 'progressbar', 'aria-valuenow': pct, 'aria-valuemin': 0, 'aria-valuemax': 100 },
      el('div', { style: 'width:' + pct + '%' })),
    el('div', { class: 'meta', text: job.done + ' of ' + job.total + ' pages · ' + job.rate + '/s' + (job.error ? ' · ' + job.error : '') }));
}

/** The running and recent exports (GET /api/exports), followed each second while one runs. */
async function followExports(box) {
  clearTimeout(followExports.timer);
  try {
    const data = await api('GET', '/api/exports');
    box.replaceChildren(...data.exports.slice(0, 5).map(exportPanel));
    if (data.exports.some(j => j.state === 'running') && document.body.contains(box)) {
      followExports.timer = setTimeout(() => followExports(box), 1000);
    }
  } catch (e) { toast(e.message, true); }
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
      setTimeout(() => followExports(document.getElementById('exports')), 500);
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

// ---------------------------------------------------------------- watches

const when = iso => iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : 'never';

function watchRow(w) {
  const what = w.recapture ? 're-capture' : (w.kind || 'feed or page') + (w.links ? ', with links' : '');
  const added = w.added || [];
  const row = el('li', { class: 'row', tabindex: '0', 'data-watch': w.id },
    el('a', { class: 'title', href: w.url, rel: 'noreferrer noopener', target: '_blank', text: w.title || w.url }),
    el('div', { class: 'meta', text: w.url + ' · ' + what + ' · every ' + w.every }),
    el('div', { class: 'meta' }, 'last check: ' + when(w.lastCheck),
      w.error ? '' : (w.lastResult ? ' (' + w.lastResult + ')' : ''), ' · next check: ' + when(w.nextCheck),
      ' · added ' + plural(w.addedTotal, 'URL', 'URLs') + ' in all'),
    w.error ? el('div', { class: 'error', text: 'error: ' + w.error }) : null,
    added.length ? el('details', {}, el('summary', { text: 'Added ' + when(w.addedAt) + ': ' + plural(added.length, 'URL', 'URLs') }),
      el('ul', {}, added.map(u => el('li', {}, el('a', { href: framedUrl(u), text: u }))))) : null,
    el('div', { class: 'actions' },
      el('button', { onclick: async ev => {
        ev.target.disabled = true;
        try { const now = await api('POST', '/api/watches/' + w.id + '/check'); row.replaceWith(watchRow(now)); toast(now.error ? 'Check failed' : 'Checked: ' + now.lastResult, !!now.error); refreshStats(); }
        catch (e) { toast(e.message, true); ev.target.disabled = false; }
      } }, 'Check now'),
      el('button', { class: 'danger', onclick: async () => {
        if (!confirm('Stop watching ' + w.url + '? What it archived stays.')) return;
        try { await api('DELETE', '/api/watches/' + w.id); row.remove(); toast('Watch removed'); }
        catch (e) { toast(e.message, true); }
      } }, 'Remove')));
  return row;
}

/** A change found by a re-capture, with a link to what changed (the version saved before and the one after it). */
async function changeRow(c) {
  const row = el('li', { class: 'row', tabindex: '0' },
    el('a', { class: 'title', href: '#/url/' + c.hashUrl, text: c.url }),
    el('div', { class: 'meta', text: 'changed since ' + human(c.since, true) + ' · noticed ' + when(c.at) }));
  try {
    const data = await api('GET', '/api/snapshots/' + c.hashUrl);
    const after = data.versions.find(v => v.timestamp > c.since);
    if (after) {
      row.dataset.replay = after.replay;
      row.append(el('div', { class: 'actions' }, el('a', { class: 'button diff', href: '/diff/' + c.since + '/' + after.timestamp + '/' + data.url, text: 'What changed' })));
    }
  } catch (e) { /* the snapshots were deleted since: the row still says what happened */ }
  return row;
}

async function showWatches() {
  const url = el('input', { type: 'url', id: 'watch-url', required: true, placeholder: 'https://blog.example/feed.xml', size: 40 });
  const every = el('select', { id: 'watch-every' }, ['1h', '6h', '1d', '1w'].map(v => el('option', { value: v, selected: v === '1d', text: 'every ' + v })));
  const links = el('input', { type: 'checkbox', id: 'watch-links' });
  const recapture = el('input', { type: 'checkbox', id: 'watch-recapture' });
  const list = el('ol', { class: 'rows', id: 'watches' });
  const form = el('form', { class: 'panel', onsubmit: async ev => {
    ev.preventDefault();
    try {
      const w = await api('POST', '/api/watches', { url: url.value.trim(), every: every.value, links: links.checked, recapture: recapture.checked });
      toast(w.existing ? 'Already watched' : 'Watching ' + w.url + ': first check running');
      url.value = '';
      setTimeout(() => { if (location.hash === '#/watches') showWatches(); }, 1500);
    } catch (e) { toast(e.message, true); }
  } },
    el('h2', { text: 'Watch a feed or a page' }),
    el('p', { text: 'An RSS, Atom or JSON Feed feed, or a page: each new entry (each new link of a page) is archived. With links, every link in a new entry is archived too. Re-capture instead keeps a new version of the page only when its text changed.' }),
    el('label', { for: 'watch-url', text: 'URL: ' }), url, ' ', every, ' ',
    el('label', {}, links, ' links'), ' ', el('label', {}, recapture, ' re-capture'), ' ', el('button', { type: 'submit' }, 'Watch'));
  const [data, changes] = await Promise.all([api('GET', '/api/watches'), api('GET', '/api/changes?limit=30')]);
  list.replaceChildren(...(data.watches.length ? data.watches.map(watchRow) : [el('p', { class: 'empty', text: 'No watches yet.' })]));
  const changed = el('ol', { class: 'rows', id: 'changes' });
  changed.replaceChildren(...(changes.changes.length ? await Promise.all(changes.changes.map(changeRow))
    : [el('p', { class: 'empty', text: 'No re-captured page has changed.' })]));
  render(el('h1', { text: 'Watches' }), form, list, el('h2', { text: 'Changed since you saved it' }), changed);
}

/** Re-captures of this URL that found nothing new: said once on its timeline, not as snapshots. */
async function recaptureNote(hashUrl) {
  try {
    const data = await api('GET', '/api/snapshots/' + encodeURIComponent(hashUrl) + '/checks');
    const same = data.checks.filter(c => c.result === 'unchanged');
    if (!same.length) return null;
    return el('p', { class: 'meta checks' }, 'Checked, unchanged: ' + plural(same.length, 'time', 'times') + ', last ' + when(same[same.length - 1].at)
      + ' (no snapshot stored for these)');
  } catch (e) { return null; }
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
  if (hash.startsWith('/search/')) { section = hash === '/search/is:gone' ? 'gone' : null; work = showSearch(hash.slice(8)); }
  else if (hash.startsWith('/url/')) { section = null; const [h, y] = hash.slice(5).split('/'); work = showTimeline(h, y); }
  else if (hash === '/failed') { section = 'failed'; work = showFailed(); }
  else if (hash === '/needs-browser') { section = 'needs-browser'; work = showNeedsBrowser(); }
  else if (hash === '/io') { section = 'io'; work = showImportExport(); }
  else if (hash === '/watches') { section = 'watches'; work = showWatches(); }
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

// A click outside an open day's list of captures closes it.
document.addEventListener('click', ev => {
  const pop = $('.daypop:not([hidden])');
  if (pop && !pop.contains(ev.target) && !ev.target.closest('a.cap')) pop.hidden = true;
});
// It is placed under its day: a new width (a new layout) closes it.
window.addEventListener('resize', () => {
  const pop = $('.daypop');
  if (pop && +pop.dataset.width !== window.innerWidth) pop.hidden = true;
});

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
    case 'w': location.hash = '#/watches'; break;
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
