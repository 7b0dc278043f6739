// The page /web/{url} shows for a URL with no capture, in a real Chromium against the real service:
// "Archive it now" queues a save (source "ui"), shows its progress and opens the capture; a save
// that fails says why and offers to try again. Screenshots at desktop and phone widths go to
// test-artifacts/ui/ (git-ignored).
//
// Needs: server/target/pagekeep.jar (mvn -B package -DskipTests), /usr/bin/chromium, playwright-core.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { api, CHROMIUM, DESKTOP, freePort, requirePrerequisites, shootScreen, startService, teardown, tempDir } from './harness.mjs';


/** The live site: /slow answers after `hold` resolves (so the progress can be seen), /loop redirects to itself. */
async function site() {
  let release;
  const hold = new Promise((r) => { release = r; });
  const hits = {};
  const server = http.createServer(async (req, res) => {
    hits[req.url] = (hits[req.url] || 0) + 1;
    if (req.url === '/slow') {
      await hold;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Slow news</title><h1>Fresh from the live web</h1>');
    } else if (req.url === '/loop') {
      res.writeHead(302, { Location: '/loop' });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: (p) => `http://127.0.0.1:${server.address().port}${p}`,
    release,
    hits: (p) => hits[p] || 0,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

describe('the not-archived page', { timeout: 180000 }, () => {
  let data, svc, live, browser, tab, base;

  before(async () => {
    requirePrerequisites();
    data = tempDir('not-archived');
    live = await site();
    const port = await freePort();
    svc = await startService(data, port);
    base = `http://127.0.0.1:${port}`;
    const login = (await api(data, 'POST', '/api/login-links')).json().url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    tab = await browser.newPage({ viewport: DESKTOP });
    await tab.goto(login);
  });

  after(() => teardown(browser, svc, live, data));

  test('"Archive it now" queues a save, shows its progress and opens the capture', async () => {
    const target = live.url('/slow');
    const res = await tab.goto(`${base}/web/${target}`);
    assert.equal(res.status(), 404);
    assert.equal(await tab.textContent('h1'), 'Not in the archive');
    assert.equal(await tab.textContent('code'), target);
    const button = tab.getByRole('button', { name: 'Archive it now' });
    await button.waitFor({ state: 'visible' }); // shown by the script
    await shootScreen(tab, '10-not-archived');
    await button.click();
    // The site holds its answer: the save is being fetched, and the page says so.
    await tab.waitForFunction(() => /Fetching the page/.test(document.getElementById('pagekeep-archive-state').textContent));
    assert.equal(await button.isDisabled(), true);
    assert.equal(await tab.getAttribute('#pagekeep-archive-bar', 'value'), '2');
    await shootScreen(tab, '10-not-archived-progress');
    const { saves } = (await api(data, 'GET', '/api/saves?limit=5')).json();
    assert.equal(saves.length, 1);
    assert.equal(saves[0].url, target);
    assert.equal(saves[0].source, 'ui');
    live.release();
    // The capture opens on the replay origin (http://localhost:PORT/c/{capability}/web/...).
    await tab.waitForURL(/^http:\/\/localhost:\d+\/c\/[^/]+\/web\/\d{14}\//);
    const done = (await api(data, 'GET', `/api/saves/${saves[0].id}`)).json();
    assert.equal(done.state, 'done');
    assert.equal(new URL(tab.url()).pathname.replace(/^\/c\/[^/]+/, ''), done.snapshot.replay);
    assert.equal(await tab.frameLocator('#pagekeep-frame').locator('h1').textContent(), 'Fresh from the live web');
    assert.match(await tab.textContent('#pagekeep-banner'), /1 version/);
    // And /web/{url} now replays it.
    const again = await tab.goto(`${base}/web/${target}`);
    assert.equal(again.status(), 200);
    await tab.waitForURL(/^http:\/\/localhost:\d+\/c\/[^/]+\/web\/\d{14}\//);
    assert.equal(await tab.frameLocator('#pagekeep-frame').locator('h1').textContent(), 'Fresh from the live web');
  });

  test('a save that fails says why and offers to try again', async () => {
    const target = live.url('/loop');
    await tab.goto(`${base}/web/${target}`);
    await tab.getByRole('button', { name: 'Archive it now' }).click();
    await tab.waitForFunction(() => /could not be archived/.test(document.getElementById('pagekeep-archive-state').textContent), null, { timeout: 60000 });
    assert.match(await tab.textContent('#pagekeep-archive-state'), /could not be archived: .*redirect/i);
    assert.equal(await tab.getAttribute('#pagekeep-archive-state', 'class'), 'error');
    const tried = live.hits('/loop');
    const retry = tab.getByRole('button', { name: 'Try again' });
    assert.equal(await retry.isEnabled(), true);
    await retry.click();
    await tab.waitForFunction(() => /could not be archived/.test(document.getElementById('pagekeep-archive-state').textContent)
      && !document.getElementById('pagekeep-archive-button').disabled, null, { timeout: 60000 });
    assert.ok(live.hits('/loop') > tried, 'the retry fetched the page again');
    const [save] = (await api(data, 'GET', '/api/saves?state=failed')).json().saves;
    assert.equal(save.url, target);
    assert.equal(save.source, 'ui');
    await shootScreen(tab, '10-not-archived-failed');
  });

  test('no session: the login page, not the button', async () => {
    const anonymous = await browser.newPage();
    const res = await anonymous.goto(`${base}/web/${live.url('/slow')}`);
    assert.equal(res.status(), 401);
    assert.equal(await anonymous.locator('#pagekeep-archive-button').count(), 0);
    await anonymous.close();
  });
});
