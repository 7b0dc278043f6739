// "Archive link" and "Archive all links" through the browser: background tabs that are never
// focused, captured once settled, closed afterwards, at most N at once; the option off sends links
// to the service; a bot wall ends as needs-browser and then as a browser capture. Real Chromium,
// real extension, real native host and jar, fixture pages on 127.0.0.1.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { api, clickMenu, fixtureServer, openTab, setSettings, startWorld, teardown, waitFor } from './harness.mjs';

/** Text that exists only after the page's script ran, some time after load. */
function latePage(word) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Late ${word}</title></head>
<body><p id="msg">server text ${word}</p>
<script>
  window.addEventListener('load', () => setTimeout(() => {
    document.getElementById('msg').textContent = ['drawn', 'by', 'script', '${word}'].join('-');
  }, 300));
</script></body></html>`;
}

/** A page whose script keeps changing the DOM for a while, so its tab stays open to settle. */
function slowPage(n) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Slow ${n}</title></head>
<body><p id="msg">slow ${n} loading</p><ol id="log"></ol>
<script>
  let left = 12;
  const t = setInterval(() => {
    document.getElementById('log').append(Object.assign(document.createElement('li'), { textContent: 'tick ' + left }));
    if (--left === 0) { clearInterval(t); document.getElementById('msg').textContent = 'slow ${n} ready'; }
  }, 200);
</script></body></html>`;
}

const CHALLENGE = `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<script>window._cf_chl_opt={cvId:'3'};</script><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script>
</body></html>`;

const page = (links) => `<!doctype html><html><head><meta charset="utf-8"><title>Links</title></head>
<body>${links.map((href, i) => `<p><a id="l${i}" href="${href}">link ${i}</a></p>`).join('\n')}</body></html>`;

const isBrowser = (ua) => /Chrome/.test(ua) && !/pagekeep/.test(ua);
const hashUrl = (url) => createHash('md5').update(url).digest('hex').slice(0, 10);

describe('links captured through the browser', { timeout: 300000 }, () => {
  let world;
  let site;

  before(async () => {
    const routes = {
      '/late.html': ['text/html; charset=utf-8', latePage('late')],
      '/late-again.html': ['text/html; charset=utf-8', latePage('orphan')],
      '/off.html': ['text/html; charset=utf-8', latePage('off')],
      '/links.html': (url) => ['text/html; charset=utf-8', page([`${url.origin}/late.html`, `${url.origin}/off.html`])],
      '/slow-links.html': (url) => ['text/html; charset=utf-8', page([1, 2, 3, 4, 5].map((n) => `${url.origin}/slow/${n}.html`))],
      // The service's fetch meets a Cloudflare-style challenge; the browser gets the page.
      '/walled.html': (url, req) => (isBrowser(req.headers['user-agent'] || '')
        ? ['text/html; charset=utf-8', '<!doctype html><title>Walled article</title><p>the real walled article text</p>']
        : ['text/html; charset=utf-8', CHALLENGE, 403]),
    };
    for (let n = 1; n <= 6; n++) routes[`/slow/${n}.html`] = ['text/html; charset=utf-8', slowPage(n)];
    site = await fixtureServer(routes);
    world = await startWorld({ installHost: true });
    // Counts the extension's tabs, to check that a capture's tab is never focused and is closed.
    await world.evaluate(() => {
      self.tabLog = { created: [], open: new Set(), max: 0 };
      chrome.tabs.onCreated.addListener((t) => {
        if (t.openerTabId !== undefined) return;
        self.tabLog.created.push({ id: t.id, active: t.active, url: t.pendingUrl || t.url });
        self.tabLog.open.add(t.id);
        self.tabLog.max = Math.max(self.tabLog.max, self.tabLog.open.size);
      });
      chrome.tabs.onRemoved.addListener((id) => self.tabLog.open.delete(id));
    });
  });

  after(() => teardown(world, site));

  /** The archived document alone (/web/{ts}mp_/{url}) of url's newest snapshot, or null. */
  async function archivedDocument(url) {
    const r = await api(world.data, 'GET', `/api/snapshots/${hashUrl(url)}`);
    if (r.status !== 200) return null;
    const versions = r.json().versions;
    if (!versions.length) return null;
    const doc = await api(world.data, 'GET', `/web/${versions[versions.length - 1].timestamp}mp_/${url}`);
    return doc.status === 200 ? doc.text : null;
  }

  const tabCaptures = () => world.evaluate(() => self.pagekeep.tabCaptures());
  const tabGone = (id) => world.evaluate(async (tabId) => chrome.tabs.get(tabId).then(() => false, () => true), id);
  const resetTabLog = () => world.evaluate(() => { self.tabLog.created = []; self.tabLog.open.clear(); self.tabLog.max = 0; });
  const tabLog = () => world.evaluate(() => ({ created: self.tabLog.created, max: self.tabLog.max }));

  test('"Archive link" captures the link in a background tab that is not focused, with what its script drew, and closes it', async () => {
    const { page: links, tabId } = await openTab(world, site.url('/links.html'));
    const linkUrl = site.url('/late.html');
    await resetTabLog();

    const result = await clickMenu(world, tabId, { menuItemId: 'archive-link', linkUrl, pageUrl: links.url() });
    assert.equal(result.state, 'capturing', JSON.stringify(result));
    assert.equal(result.via, 'browser');

    const html = await waitFor('the replay of the background-tab capture', () => archivedDocument(linkUrl), { timeoutMs: 90000 });
    assert.match(html, /drawn-by-script-late/, 'the replay has the text the script wrote');
    assert.doesNotMatch(html, /server text late/);

    const { created } = await tabLog();
    const opened = created.filter((t) => t.url === linkUrl);
    assert.equal(opened.length, 1, JSON.stringify(created));
    assert.equal(opened[0].active, false, 'the tab was opened in the background');
    await waitFor('the capture tab to be closed', () => tabGone(opened[0].id));
    const active = await world.evaluate(async () => (await chrome.tabs.query({ active: true })).map((t) => t.id));
    assert.ok(active.includes(tabId), 'the page the user was on kept the focus');
    assert.deepEqual(await tabCaptures(), [], 'nothing left in flight');

    const hits = site.requests.filter((r) => r.path === '/late.html');
    assert.ok(hits.length >= 1 && hits.every((h) => isBrowser(h.userAgent)), 'only the browser fetched the link');
    const saves = (await api(world.data, 'GET', '/api/saves?state=done')).json().saves.filter((s) => s.url === linkUrl);
    assert.equal(saves.length, 1);
    assert.equal(saves[0].source, 'context-menu');
    await links.close();
  });

  test('at most N tabs at once: "Archive all links" fills the free tabs and the service fetches the rest', async () => {
    const { page: links, tabId } = await openTab(world, site.url('/slow-links.html'));
    await resetTabLog();

    const all = await clickMenu(world, tabId, { menuItemId: 'archive-all-links', pageUrl: links.url() });
    assert.equal(all.count, 5, JSON.stringify(all));
    assert.equal(all.browser.length, 2, 'two tabs (the default N)');
    assert.equal(all.saves.length, 3, 'the other three go to the service');
    assert.equal(all.state, 'queued');
    // A click while both tabs are busy goes to the service too.
    const sixth = site.url('/slow/6.html');
    const one = await clickMenu(world, tabId, { menuItemId: 'archive-link', linkUrl: sixth, pageUrl: links.url() });
    assert.equal(one.state, 'queued', JSON.stringify(one));
    assert.notEqual(one.via, 'browser');

    const urls = [1, 2, 3, 4, 5, 6].map((n) => site.url(`/slow/${n}.html`));
    for (const url of urls) await waitFor(`a snapshot of ${url}`, () => archivedDocument(url), { timeoutMs: 90000 });
    await waitFor('the tab captures to finish', async () => (await tabCaptures()).length === 0, { timeoutMs: 60000 });

    const { created, max } = await tabLog();
    assert.equal(max, 2, 'never more than two capture tabs open');
    assert.deepEqual(created.map((t) => t.url).sort(), [...all.browser].sort());
    assert.ok(created.every((t) => t.active === false));
    for (const url of urls) {
      const byBrowser = site.requests.filter((r) => r.path === new URL(url).pathname && isBrowser(r.userAgent)).length;
      if (all.browser.includes(url)) {
        assert.ok(byBrowser >= 1, `${url} was captured in a tab`);
        assert.match(await archivedDocument(url), /slow \d ready/, 'captured after the page settled');
      } else {
        assert.equal(byBrowser, 0, `${url} was fetched by the service only`);
      }
    }
    await links.close();
  });

  test('with the option off, "Archive link" is fetched by the service and no tab opens', async () => {
    await setSettings(world, { browserCapture: false });
    try {
      const { page: links, tabId } = await openTab(world, site.url('/links.html'));
      await resetTabLog();
      const linkUrl = site.url('/off.html');
      const result = await clickMenu(world, tabId, { menuItemId: 'archive-link', linkUrl, pageUrl: links.url() });
      assert.equal(result.state, 'queued', JSON.stringify(result));
      assert.equal(result.via, 'native');
      const html = await waitFor('the service capture', () => archivedDocument(linkUrl));
      assert.match(html, /server text off/, 'the service saw the page before its script ran');
      const hits = site.requests.filter((r) => r.path === '/off.html');
      assert.ok(hits.length >= 1 && hits.every((h) => !isBrowser(h.userAgent)), 'the browser never requested the link');
      assert.deepEqual((await tabLog()).created, []);
      await links.close();
    } finally {
      await setSettings(world, { browserCapture: true });
    }
  });

  test('a bot-walled page ends as needs-browser, then as a browser capture of the real page against the same save', async () => {
    const url = site.url('/walled.html');
    const queued = await api(world.data, 'POST', '/api/saves', { url, source: 'api' });
    assert.equal(queued.status, 202, queued.text);
    const id = queued.json().saves[0].id;
    const walled = await waitFor('needs-browser', async () => {
      const s = (await api(world.data, 'GET', `/api/saves/${id}`)).json();
      return s.state === 'needs-browser' ? s : null;
    });
    assert.match(walled.error, /HTTP 403/);
    const listed = (await api(world.data, 'GET', '/api/saves?state=needs-browser')).json().saves.map((s) => s.id);
    assert.ok(listed.includes(id));
    assert.ok((await api(world.data, 'GET', '/api/stats')).json().saves.needsBrowser >= 1);
    assert.equal(await archivedDocument(url), null, 'the challenge was not stored as the page');
    // The web UI lists it, with the reason.
    const login = (await api(world.data, 'POST', '/api/login-links', {})).json().url;
    const ui = await world.context.newPage();
    await ui.goto(login);
    await ui.goto(`${new URL(login).origin}/#/needs-browser`);
    const row = await ui.waitForSelector(`.row:has-text("${url}")`);
    assert.match(await row.textContent(), /HTTP 403/);
    assert.equal(await ui.$eval('#needs-browser-count', (b) => b.textContent), '1');
    await ui.close();

    await resetTabLog();
    const results = await world.evaluate(() => self.pagekeep.onBrowserAlarm());
    assert.ok(results.some((r) => r.via === 'browser' && r.state === 'queued'), JSON.stringify(results));
    const done = await waitFor('the same save to be done', async () => {
      const s = (await api(world.data, 'GET', `/api/saves/${id}`)).json();
      return s.state === 'done' ? s : null;
    });
    assert.equal(done.id, id);
    const html = await archivedDocument(url);
    assert.match(html, /the real walled article text/);
    assert.doesNotMatch(html, /Just a moment/);
    const { created } = await tabLog();
    assert.equal(created.length, 1);
    assert.equal(created[0].active, false);
    await waitFor('the capture tab to be closed', () => tabGone(created[0].id));
    assert.equal((await api(world.data, 'GET', '/api/stats')).json().saves.needsBrowser, 0);
  });

  test('a capture left by a stopped worker: its orphan tab is closed and the link is captured again', async () => {
    const url = site.url('/late-again.html');
    // What a worker stopped while the tab loaded leaves behind: the record, and the open tab.
    const orphanTab = await world.evaluate(async (u) => {
      const tab = await chrome.tabs.create({ url: u, active: false });
      const record = { key: 'orphan-1', url: u, source: 'context-menu', label: u, owner: 'gone', tabId: tab.id, tries: 1, startedAt: Date.now() };
      await chrome.storage.local.set({ tabCaptures: [record] });
      return tab.id;
    }, url);

    const results = await world.evaluate(() => self.pagekeep.resumeTabCaptures());
    assert.equal(results.length, 1, JSON.stringify(results));
    assert.equal(results[0].via, 'browser', JSON.stringify(results));
    assert.ok(await tabGone(orphanTab), 'the orphan tab was closed');
    const html = await waitFor('the capture', () => archivedDocument(url), { timeoutMs: 60000 });
    assert.match(html, /drawn-by-script-orphan/);
    assert.deepEqual(await tabCaptures(), []);
  });
});
