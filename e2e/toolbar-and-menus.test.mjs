// The extension with the native host installed by install-host, starting with no service
// running: the host starts it on the first save.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { article, linksPage, oneLinkPage, SCRIPTED_PAGE } from './fixtures.mjs';
import {
  api, badge, clickMenu, clickToolbar, fixtureServer, openTab, replayed, serviceInfo, setSettings, startWorld, teardown, waitFor,
} from './harness.mjs';

describe('extension with the native host', { timeout: 300000 }, () => {
  let world;
  let site;

  before(async () => {
    const routes = {
      '/scripted.html': ['text/html; charset=utf-8', SCRIPTED_PAGE],
      '/one-link.html': (url) => ['text/html; charset=utf-8', oneLinkPage(`${url.origin}/never-opened.html`)],
      '/never-opened.html': ['text/html; charset=utf-8', article('never opened')],
      '/links.html': (url) => ['text/html; charset=utf-8', linksPage(url.origin)],
    };
    for (let n = 1; n <= 20; n++) routes[`/articles/${n}.html`] = ['text/html; charset=utf-8', article(n)];
    site = await fixtureServer(routes);
    world = await startWorld({ installHost: true });
    // These tests follow the service's own fetch; background-tab capture is e2e/link-capture.test.mjs.
    await setSettings(world, { browserCapture: false });
  });

  after(() => teardown(world, site));

  test('install-host wrote the manifest into the profile and the pinned extension id loaded', () => {
    assert.match(world.installOutput, /NativeMessagingHosts\/dev\.pagekeep\.host\.json/);
    assert.equal(world.extensionId, 'jajhiedogdgfbfhklbcligfhocfhfepg');
    assert.equal(serviceInfo(world.data), null, 'no service runs before the first save');
  });

  test('toolbar saves the DOM as the browser shows it, after scripts changed it', async () => {
    const url = site.url('/scripted.html');
    const { page, tabId } = await openTab(world, url);
    await page.waitForFunction(() => document.getElementById('msg').textContent.startsWith('dom-'));

    const result = await clickToolbar(world, tabId);
    assert.equal(result.state, 'queued', JSON.stringify(result));
    assert.equal(result.via, 'native');
    assert.equal(result.saves.length, 1);
    const queued = await badge(world, tabId);
    assert.equal(queued.text, '1');
    assert.match(queued.title, /^pagekeep: (queued|archiving) /);

    const html = await waitFor('the snapshot', () => replayed(world.data, url));
    assert.match(html, /dom-written-after-load ✓ ünïcödé/, 'the snapshot holds the DOM after the script ran');
    assert.doesNotMatch(html, /text from the server/);
    const done = await waitFor('the badge to say done', async () => {
      const b = await badge(world, tabId);
      return b.text === '✓' && b.title.startsWith('pagekeep: archived') ? b : null;
    });
    assert.match(done.title, /scripted\.html/);
    await page.close();
  });

  test('with browser capture off, "Archive link" archives a link the browser never opens', async () => {
    const { page, tabId } = await openTab(world, site.url('/one-link.html'));
    const linkUrl = await page.$eval('#the-link', (a) => a.href);

    const result = await clickMenu(world, tabId, { menuItemId: 'archive-link', linkUrl, pageUrl: page.url() });
    assert.equal(result.state, 'queued', JSON.stringify(result));

    const html = await waitFor('the linked page snapshot', () => replayed(world.data, linkUrl));
    assert.match(html, /Article never opened/);
    const hits = site.requests.filter((r) => r.path === '/never-opened.html');
    assert.ok(hits.length >= 1, 'the service fetched the link');
    for (const hit of hits) assert.doesNotMatch(hit.userAgent, /Chrome/, 'the browser never requested the link');
    const tabs = await world.evaluate(async (u) => (await chrome.tabs.query({})).filter((t) => t.url === u).length, linkUrl);
    assert.equal(tabs, 0);
    await page.close();
  });

  test('"Archive all links on this page" on a page of 20 links ends in 20 snapshots', async () => {
    const { page, tabId } = await openTab(world, site.url('/links.html'));

    const result = await clickMenu(world, tabId, { menuItemId: 'archive-all-links', pageUrl: page.url() });
    assert.equal(result.state, 'queued', JSON.stringify(result));
    assert.equal(result.count, 20, 'http(s) only, de-duplicated, no same-page anchors');
    assert.equal(result.saves.length, 20);
    const expected = Array.from({ length: 20 }, (_, i) => site.url(`/articles/${i + 1}.html`)).sort();
    assert.deepEqual(result.saves.map((s) => s.url).sort(), expected);

    const states = await waitFor('20 finished saves', async () => {
      const all = await Promise.all(result.saves.map(async (s) => (await api(world.data, 'GET', `/api/saves/${s.id}`)).json()));
      return all.every((s) => s.state === 'done' || s.state === 'failed') ? all : null;
    }, { timeoutMs: 120000 });
    assert.deepEqual(states.map((s) => s.state), Array(20).fill('done'));
    for (const url of expected) {
      const html = await replayed(world.data, url);
      assert.ok(html, `a snapshot of ${url}`);
    }
    const done = await waitFor('the badge to count all 20 done', async () => {
      const b = await badge(world, tabId);
      return b.text === '✓' ? b : null;
    });
    assert.match(done.title, /archived 20 links/);
    await page.close();
  });

  test('"Open archive" opens the web UI logged in through a one-time link', async () => {
    const opened = world.context.waitForEvent('page');
    const result = await world.evaluate(() => self.pagekeep.onMenuClicked({ menuItemId: 'open-archive' }));
    assert.equal(result.state, 'opened', JSON.stringify(result));
    const page = await opened;
    await page.waitForLoadState('load');
    const { base } = serviceInfo(world.data);
    assert.ok(page.url().startsWith(base), page.url());
    assert.doesNotMatch(page.url(), /token=/, 'the login link is exchanged for a cookie and leaves the address bar');
    // The session is the cookie and the key the UI keeps in its localStorage: both, as the UI sends them.
    const status = await page.evaluate(async () => (await fetch('/api/stats', {
      headers: { 'X-Pagekeep-Key': localStorage.getItem('pagekeep-key') || '' } })).status);
    assert.equal(status, 200, 'the web UI session is logged in');
    const cookieAlone = await page.evaluate(async () => (await fetch('/api/stats')).status);
    assert.equal(cookieAlone, 401, 'the cookie alone opens no API call');
    await page.close();
  });
});
