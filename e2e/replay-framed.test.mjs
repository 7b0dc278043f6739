// Framed replay in a real Chromium, as the user sees it: pages whose layouts the old inline banner
// broke (a flex body, a fixed sidebar, a sticky header with a search form, outside links in running
// text, a grid, a stylesheet linked from above the site root) are archived by the real service jar,
// the origin is stopped, and each replay page (banner and all) must show the page pixel for pixel as
// the live page showed it, below the banner; with no request leaving the archive and none failing.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO, comparePixels, launchChromium, shootWholePage, startArchive, staticServer, teardown } from './harness.mjs';

const LAYOUTS = path.join(REPO, 'e2e', 'layouts');
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'framed');
const PAGES = ['flex.html', 'sidebar.html', 'sticky.html', 'links.html', 'grid.html', 'above-root.html'];
const WIDTH = 1024;

let svc;
let origin;
let browser;
const live = new Map();

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  svc = await startArchive();
  origin = await staticServer(LAYOUTS);
  // flex.html first: the others link to it, so their links lead to its snapshot.
  await svc.archive([origin.url('/flex.html')]);
  await svc.archive(PAGES.slice(1).map((p) => origin.url(`/${p}`)));
  browser = await launchChromium();
  const liveContext = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
  const page = await liveContext.newPage();
  for (const p of PAGES) live.set(p, await shootWholePage(page, origin.url(`/${p}`), WIDTH));
  await liveContext.close();
  await origin.close(); // from here on, nothing may come from the origin
});

after(() => teardown(browser, svc, origin));

test('each replay page shows the archived page pixel for pixel below the banner, sealed', async () => {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
  await svc.login(context);
  const requests = [];
  const failed = [];
  context.on('request', (r) => requests.push(r.url()));
  context.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  const page = await context.newPage();
  const cmp = await (await browser.newContext()).newPage();
  const results = [];
  for (const p of PAGES) {
    const { png: livePng, height } = live.get(p);
    await page.setViewportSize({ width: WIDTH, height: 800 });
    await page.goto(await svc.replayUrl(`/web/${origin.url(`/${p}`)}`), { waitUntil: 'load' });
    const banner = await page.evaluate(() => document.getElementById('pagekeep-banner').getBoundingClientRect().height);
    assert.equal(banner, Math.round(banner), `${p}: the banner has a whole-pixel height (${banner})`);
    // The frame's viewport as tall as the live one: the window is the banner plus the live page.
    await page.setViewportSize({ width: WIDTH, height: banner + height });
    const content = page.frame({ name: 'pagekeep-frame' });
    assert.ok(content, `${p}: the replay page has its content frame`);
    assert.match(content.url(), /\/web\/\d{14}mp_\/http:\/\/127\.0\.0\.1:\d+\//);
    await content.evaluate(() => document.fonts.ready);
    assert.equal(await content.evaluate(() => document.documentElement.scrollHeight), height, `${p}: the page is as tall as live`);
    const shot = await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' });
    const below = await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide', clip: { x: 0, y: banner, width: WIDTH, height } });
    const slug = p.replace('.html', '');
    writeFileSync(path.join(ARTIFACTS, `${slug}.live.png`), livePng);
    writeFileSync(path.join(ARTIFACTS, `${slug}.replay.png`), shot);
    const c = await comparePixels(cmp, livePng, below);
    results.push({ page: p, ...c });
  }
  const notIdentical = results.filter((r) => r.share !== 1);
  assert.deepEqual(notIdentical, [], 'replays that differ from the live page below the banner (see test-artifacts/framed/)');
  const leaks = requests.filter((u) => !u.startsWith(`${svc.replayOrigin}/`) && !/^(data|blob|about):/.test(u));
  assert.deepEqual(leaks, [], 'requests that left the archive');
  assert.deepEqual(failed, [], 'archive requests that failed');
  // The stylesheet linked from above the root was found (its colour is on the heading).
  await page.goto(await svc.replayUrl(`/web/${origin.url('/above-root.html')}`), { waitUntil: 'load' });
  const color = await page.frame({ name: 'pagekeep-frame' }).evaluate(() => getComputedStyle(document.querySelector('h1')).color);
  assert.equal(color, 'rgb(181, 137, 0)');
  await context.close();
});

test('the banner names the capture, its neighbours and the live page; links in the frame lead the whole window', async () => {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
  await svc.login(context);
  const page = await context.newPage();
  const liveUrl = origin.url('/sidebar.html');
  // A /web/ address on the UI's origin (a bookmark, the extension) takes a logged-in browser to the
  // replay origin, under a capability, and on to the exact capture.
  await page.goto(`${svc.base}/web/${liveUrl}`, { waitUntil: 'load' });
  await page.waitForURL(/^http:\/\/localhost:\d+\/c\/[^/]+\/web\/\d{14}\/http:\/\/127\.0\.0\.1:\d+\/sidebar\.html$/);
  await page.waitForLoadState('load');
  const prefix = new URL(page.url()).pathname.match(/^\/c\/[^/]+/)[0];
  const banner = await page.evaluate(() => ({
    when: document.getElementById('pagekeep-when').textContent,
    live: document.getElementById('pagekeep-live').href,
    liveTarget: document.getElementById('pagekeep-live').target,
    liveText: document.getElementById('pagekeep-live').textContent,
    reader: document.getElementById('pagekeep-reader').getAttribute('href'),
    hide: document.getElementById('pagekeep-hide').getAttribute('href'),
    all: document.getElementById('pagekeep-all').getAttribute('href'),
    prev: document.getElementById('pagekeep-prev').tagName,
  }));
  assert.match(banner.when, /^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} UTC$/, 'capture time with seconds');
  assert.equal(banner.live, liveUrl);
  assert.equal(banner.liveTarget, '_blank');
  assert.match(banner.liveText, /^live/, 'the live link is marked as such');
  assert.match(banner.reader, new RegExp(`^${prefix}/reader/[0-9a-f]{10}/\\d{14}$`));
  assert.match(banner.hide, new RegExp(`^${prefix}/web/\\d{14}mp_/`));
  assert.equal(banner.all.replace(/[0-9a-f]{10}$/, 'H'), `${svc.base}/#/url/H`, 'all versions: the web UI, on its own origin');
  assert.equal(banner.prev, 'SPAN', 'no previous version: not a link');

  // The frame is sandboxed without scripts or forms; the archived page gets the sandbox as CSP too.
  const sandbox = await page.getAttribute('#pagekeep-frame', 'sandbox');
  assert.doesNotMatch(sandbox, /allow-scripts|allow-forms/);
  const mp = await page.request.get(await page.frame({ name: 'pagekeep-frame' }).url());
  assert.match(mp.headers()['content-security-policy'], /script-src 'none'.*sandbox allow-same-origin/);
  assert.doesNotMatch(await mp.text(), /pagekeep-banner|<script/);

  // A link to an archived page, clicked in the frame, opens its replay page in the whole window.
  const content = page.frame({ name: 'pagekeep-frame' });
  await Promise.all([page.waitForURL(/\/web\/\d{14}\/http:\/\/127\.0\.0\.1:\d+\/flex\.html#s3$/), content.click('text=Chapter 3')]);
  await page.waitForLoadState('load');
  assert.match(await page.textContent('#pagekeep-live'), /flex\.html/, 'the banner follows');
  // A live link opens in a new tab, never in the frame.
  const [popup, asked] = await Promise.all([context.waitForEvent('page'),
    context.waitForEvent('request', (r) => r.url().startsWith('https://elsewhere.example/')),
    page.frame({ name: 'pagekeep-frame' }).click('text=Elsewhere')]);
  assert.equal(asked.frame().page(), popup, 'the live page was asked for in the new tab');
  assert.match(page.url(), /flex\.html#s3$/, 'the replay stayed');
  // "Hide" shows the archived page alone.
  await Promise.all([page.waitForURL(/\/web\/\d{14}mp_\//), page.click('#pagekeep-hide')]);
  assert.equal(await page.$('#pagekeep-banner'), null);
  await context.close();
});
