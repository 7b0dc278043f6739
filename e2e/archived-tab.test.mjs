// The badge of an archived tab and the offer of the archived copy when the live page is gone:
// the real extension, the real native host (install-host), the real service, fixture pages on
// 127.0.0.1. A page is archived twice through the toolbar; a tab on it shows "2"; then its server
// answers 404 and a tab on it gets the offer; following the offer opens the replay.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { article } from './fixtures.mjs';
import { api, badge, clickToolbar, fixtureServer, openTab, setSettings, shootScreen, startWorld, teardown, waitFor } from './harness.mjs';

describe('what the archive knows about a tab', { timeout: 300000 }, () => {
  let world;
  let site;
  const gone = new Set(); // paths that answer 404 now

  before(async () => {
    const page = (name) => (url) => (gone.has(url.pathname)
      ? ['text/html; charset=utf-8', '<!doctype html><title>Not found</title><h1>Not found</h1>', 404]
      : ['text/html; charset=utf-8', article(name)]);
    site = await fixtureServer({ '/kept.html': page('kept'), '/never-saved.html': page('never saved'), '/lost.html': page('lost') });
    world = await startWorld({ installHost: true });
    await setSettings(world, { browserCapture: false });
  });

  after(() => teardown(world, site));

  async function archiveThroughToolbar(url) {
    const { page, tabId } = await openTab(world, url);
    const result = await clickToolbar(world, tabId);
    assert.equal(result.state, 'queued', JSON.stringify(result));
    await waitFor('the save to be done', async () => (await badge(world, tabId)).text === '✓');
    await page.close();
  }

  /** The page of the tab the offer opened, once it shows the replay page; says what it shows instead when it does not. */
  async function replayShown(replay) {
    const page = await waitFor('the tab the offer opened', () => world.context.pages().find((p) => p.url().includes('/login?') || p.url().includes('/web/')));
    try {
      await page.waitForURL((u) => u.pathname === replay, { timeout: 30000 });
    } catch (e) {
      throw new Error(`the tab shows ${page.url()}: ${(await page.content().catch(() => '')).slice(0, 300)} (${e.message.split('\n')[0]})`);
    }
    return page;
  }

  async function waitForOffer(tabId) {
    return waitFor('the offer of the archived copy', async () => {
      const offer = await world.evaluate((id) => self.pagekeep.offerFor(id), tabId);
      return offer ? offer : null;
    });
  }

  test('the badge shows how many versions the archive has of the page a tab shows', async () => {
    const url = site.url('/kept.html');
    await archiveThroughToolbar(url);
    await new Promise((r) => setTimeout(r, 1100)); // timestamps are to the second: the next save is a new version
    await archiveThroughToolbar(url);

    const { page, tabId } = await openTab(world, url);
    const shown = await waitFor('the badge to count 2 versions', async () => {
      const b = await badge(world, tabId);
      return b.text === '2' ? b : null;
    });
    assert.match(shown.title, /^pagekeep: archived, 2 versions \(newest \d{4}-\d\d-\d\d\)/);
    await page.close();

    const other = await openTab(world, site.url('/never-saved.html'));
    // The lookup answered (it is cached), and said nothing is archived: the badge stays empty.
    await waitFor('the lookup of a page never saved', () => world.evaluate(
      async (u) => (await chrome.storage.session.get('lookups')).lookups?.[u]?.result?.archived === false, site.url('/never-saved.html')));
    assert.equal((await badge(world, other.tabId)).text, '');
    await other.page.close();
  });

  test('a tab on an archived URL whose server now answers 404 offers the archived copy, and following it opens the replay', async () => {
    const url = site.url('/kept.html');
    gone.add('/kept.html');
    const { page, tabId } = await openTab(world, url);

    const offer = await waitForOffer(tabId);
    assert.equal(offer.url, url);
    assert.equal(offer.reason, 'answers 404');
    assert.match(offer.replay, new RegExp(`^/web/\\d{14}/${url.replace(/[.?]/g, '\\$&')}$`));
    const shown = await waitFor('the badge to offer the copy', async () => {
      const b = await badge(world, tabId);
      return /Click to open the archived copy/.test(b.title) ? b : null;
    });
    assert.equal(shown.text, '2');
    assert.match(shown.title, /kept\.html answers 404; the archive has 2 versions/);
    const notifications = await world.evaluate(() => chrome.notifications.getAll());
    assert.ok(notifications[offer.notificationId], `a notification offers the copy (${JSON.stringify(notifications)})`);

    // What a click on the notification does.
    const opened = await world.evaluate((id) => self.pagekeep.onNotificationClicked(id), offer.notificationId);
    assert.equal(opened.state, 'opened', JSON.stringify(opened));
    assert.equal(opened.replay, offer.replay);
    const replay = await replayShown(offer.replay); // the replay of the newest copy
    const frame = await waitFor('the archived page in the replay frame', () => replay.frames().find((f) => /mp_\//.test(f.url())));
    await frame.waitForSelector('h1');
    assert.equal(await frame.textContent('h1'), 'Article kept');
    assert.equal(await world.evaluate((id) => self.pagekeep.offerFor(id), tabId), null, 'the offer was taken');
    await replay.close();
    await page.close();
  });

  test('a tab that fails to load an archived URL (the server is gone) offers the copy too, and the toolbar button opens it', async () => {
    // Archived from a server that then stops: its port refuses connections (loopback only).
    const own = await fixtureServer({ '/refused.html': ['text/html; charset=utf-8', article('refused')] });
    const url = own.url('/refused.html');
    await archiveThroughToolbar(url);
    await own.close();

    const page = await world.context.newPage();
    await page.goto(url).catch(() => {}); // net::ERR_CONNECTION_REFUSED
    const tabId = await waitFor('the tab of the failed page', () => world.evaluate(
      async (u) => (await chrome.tabs.query({})).find((t) => t.url === u || t.pendingUrl === u)?.id, url));
    const offer = await waitForOffer(tabId);
    assert.match(offer.reason, /^failed to load \(ERR_CONNECTION_REFUSED\)$/);

    const result = await world.evaluate(async (id) => self.pagekeep.onActionClicked(await chrome.tabs.get(id)), tabId);
    assert.equal(result.state, 'opened', JSON.stringify(result));
    const replay = await replayShown(offer.replay);
    const frame = await waitFor('the archived page in the replay frame', () => replay.frames().find((f) => /mp_\//.test(f.url())));
    await frame.waitForSelector('h1');
    assert.equal(await frame.textContent('h1'), 'Article refused');
    await replay.close();
    await page.close();
  });

  test('the web UI shows "gone since" on a URL the link check found gone, and its Gone section lists only those', async () => {
    // Its own page, archived and then gone: this test runs alone as well as after the others.
    const url = site.url('/lost.html');
    await archiveThroughToolbar(url); // starts the service through the native host when none runs yet
    gone.add('/lost.html');
    const r = await api(world.data, 'POST', '/api/rot/check', { url });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().results[0].verdict, 'gone');
    const link = (await api(world.data, 'POST', '/api/login-links', {})).json().url;
    const page = await world.context.newPage();
    await page.goto(link);
    const row = page.locator('.row', { hasText: '/lost.html' });
    await row.waitFor();
    assert.match(await row.locator('.gone').textContent(), /^gone since /);
    assert.match(await row.locator('.gone').getAttribute('title'), /answers 404/);
    await page.click('a[data-nav="gone"]');
    await waitFor('the Gone section', async () => (await page.locator('.row').count()) === 1
      && /lost\.html/.test(await page.locator('.row').first().textContent()));
    await shootScreen(page, '13-gone');
    await page.close();
  });
});
