// The web UI in a real Chromium against the real service: the login page a browser without a
// session meets, log in through the one-time link, the home list grouped by URL, tags, search, a
// URL's timeline, replay, the reader view, delete, an error. Screenshots of every screen at desktop
// (1280) and phone (390) widths go to test-artifacts/ui/ (git-ignored). The tests are independent:
// before() archives the pages they read, each test opens its own logged-in tab, and a test that
// deletes archives what it deletes itself, so any one runs alone (--test-name-pattern).
//
// Needs: server/target/pagekeep.jar (mvn -B package -DskipTests), /usr/bin/chromium, playwright-core.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DESKTOP, launchChromium, nextSecond, pagesServer, serveJar, shootScreen, teardown, tempDir, withLoggedInTab } from './harness.mjs';

const page = (title, text) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>`
  + `<body><article><h1>${title}</h1><p>${text}</p></article></body></html>`;

const PAGES = {
  '/aiohttp': page('Making 1 million requests with python-aiohttp',
    'Everyone knows that asynchronous code performs better when applied to network operations.'),
  '/sourdough': page('Sourdough starter notes', 'Flour, water, patience and a warm kitchen.'),
  '/comets': page('Comets and their tails', 'Dirty snowballs on long orbits around the sun.'),
  '/doomed': page('A page to delete', 'It was bound to go.'),
  '/twice': page('A page saved twice', 'Two versions, one of them to delete.'),
  // A Sphinx page: the title again as the first heading, and a pilcrow permalink on every heading.
  '/sphinx': '<!doctype html><html><head><meta charset="utf-8"><title>Installing the package \u2014 Demo 1.0 documentation</title></head>'
    + '<body><div class="body" role="main"><section id="installing">'
    + '<h1>Installing the package<a class="headerlink" href="#installing" title="Link to this heading">\u00b6</a></h1>'
    + '<p>Install it with pip, in a virtual environment, and check the version it reports afterwards. </p>'.repeat(4)
    + '<section id="requirements"><h2>Requirements<a class="headerlink" href="#requirements" title="Link to this heading">\u00b6</a></h2>'
    + '<p>A Python interpreter of version three or later, and a working compiler for the native parts. </p>'.repeat(3)
    + '</section></section></div></body></html>',
};

describe('web UI', { timeout: 180000 }, () => {
  let site, svc, browser, data;

  before(async () => {
    data = tempDir('ui');
    site = await pagesServer(PAGES);
    svc = await serveJar(data);
    await svc.saveAndWait(['/aiohttp', '/comets', '/sphinx'].map(p => site.url(p)));
    await svc.saveAndWait([site.url('/sourdough')], ['baking', 'to read']);
    await nextSecond(); // the second version a second later: versions differ by seconds
    await svc.saveAndWait([site.url('/aiohttp')]); // a second version for the timeline
    browser = await launchChromium();
  });

  after(() => teardown(browser, svc, site, data));

  /** A logged-in tab at the home list, closed after `body` runs. */
  const withTab = (body) => withLoggedInTab(browser, svc, async (tab) => {
    await tab.waitForSelector('#view .row');
    await body(tab);
  });

  /** The list's stats line, read from the API (what #stats shows). */
  async function statsLine() {
    const s = await svc.call('GET', '/api/stats');
    return `${s.snapshots} snapshots of ${s.urls} URLs`;
  }

  test('a browser without a session gets a login page that says how to get in', async () => {
    const anonymous = await browser.newPage({ viewport: DESKTOP });
    const errors = [];
    anonymous.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    const res = await anonymous.goto(svc.base + '/');
    assert.equal(res.status(), 401);
    assert.match(res.headers()['content-type'], /^text\/html/);
    assert.equal(await anonymous.textContent('h1'), 'pagekeep');
    const text = await anonymous.textContent('body');
    assert.match(text, /personal Wayback Machine/);
    assert.match(text, /pagekeep open/);
    assert.match(text, /Open archive/);
    assert.doesNotMatch(text, /pagekeep serve|"error"/);
    // Its inline style passes the UI's CSP (the 401 itself and the absent favicon are the only errors).
    assert.deepEqual(errors.filter(e => !/^Failed to load resource/.test(e)), []);
    assert.equal(await anonymous.evaluate(() => getComputedStyle(document.querySelector('main')).maxWidth), '38em'.replace('em', '') * 16 + 'px');
    await shootScreen(anonymous, '0-login');
    await anonymous.close();
  });

  test('the login link opens the archive with one row per URL, its versions and tags', () => withTab(async (tab) => {
    assert.equal(new URL(tab.url()).pathname, '/');
    const rows = tab.locator('#view .row');
    assert.equal(await rows.count(), 4); // 4 URLs, the twice-saved page once
    assert.match(await tab.textContent('#stats'), /5 snapshots of 4 URLs/);
    const twice = rows.filter({ hasText: 'python-aiohttp' });
    assert.equal(await twice.count(), 1);
    assert.equal(await twice.locator('a.versions').textContent(), '2 versions');
    assert.equal(await twice.getByRole('button').textContent(), 'Delete all 2 versions');
    const once = rows.filter({ hasText: 'Comets' });
    assert.equal(await once.locator('a.versions').textContent(), '1 version');
    assert.equal(await once.getByRole('button').textContent(), 'Delete 1 version');
    assert.equal(await rows.first().textContent().then(t => /python-aiohttp/.test(t)), true); // newest first
    assert.match(await twice.locator('time').textContent(), /\d:\d\d:\d\d/); // capture times with seconds
    assert.deepEqual(await rows.filter({ hasText: 'Sourdough' }).locator('.tag').allTextContents(), ['baking', 'to read']);
    await shootScreen(tab, '1-newest');
  }));

  test('a tag chip runs the tags: search', () => withTab(async (tab) => {
    await tab.locator('#view .row .tag', { hasText: 'to read' }).click();
    await tab.waitForFunction(() => /Results for/.test(document.querySelector('h1').textContent));
    assert.equal(await tab.inputValue('#q'), 'tags:"to read"');
    await tab.waitForSelector('#view .row');
    const rows = tab.locator('#view .row');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /Sourdough starter notes/);
    await shootScreen(tab, '2-tag-search');
  }));

  test('a remembered phrase finds its page with the words highlighted', () => withTab(async (tab) => {
    await tab.keyboard.press('/');
    await tab.keyboard.type('"asynchronous code performs"');
    await tab.keyboard.press('Enter');
    await tab.waitForSelector('#view .row mark');
    const rows = tab.locator('#view .row');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /python-aiohttp/);
    assert.equal(await tab.locator('#view .row .snippet mark').first().textContent(), 'asynchronous code performs');
    await shootScreen(tab, '2-search');
  }));

  test('the timeline lists both versions and replays one with the banner', () => withTab(async (tab) => {
    await tab.locator('#view .row', { hasText: 'python-aiohttp' }).focus();
    await tab.keyboard.press('t');
    await tab.waitForSelector('.years');
    assert.equal(await tab.locator('#view .row').count(), 2);
    // Delete says what it deletes: one version per row, all of them at the top.
    assert.deepEqual(await tab.locator('#view .row button').allTextContents(), ['Delete this version', 'Delete this version']);
    assert.equal(await tab.locator('main > p button.danger').textContent(), 'Delete all 2 versions');
    // Seconds on every version, and the second save of the same page is marked unchanged.
    for (const t of await tab.locator('#view .row a.title').allTextContents()) assert.match(t, /\d:\d\d:\d\d/);
    assert.equal(await tab.locator('#view .row .unchanged').count(), 1);
    await shootScreen(tab, '3-timeline');
    // The newer version links the diff against the older one.
    assert.equal(await tab.locator('#view .row a.diff').count(), 1);
    // Archived content (diff, replay, reader) opens on the replay origin, under a capability.
    await Promise.all([tab.waitForURL(/^http:\/\/localhost:\d+\/c\/[^/]+\/diff\/\d{14}\/\d{14}\//), tab.locator('#view .row a.diff').click()]);
    assert.match(await tab.textContent('h1'), /What changed on/);
    await shootScreen(tab, '3-diff');
    await tab.goBack();
    await tab.waitForSelector('.years');
    await Promise.all([tab.waitForURL(/^http:\/\/localhost:\d+\/c\/[^/]+\/web\/\d{14}\//), tab.locator('#view .row a.title').first().click()]);
    assert.match(await tab.textContent('#pagekeep-banner'), /2 versions/);
    const content = tab.frameLocator('#pagekeep-frame');
    assert.match(await content.locator('body').textContent(), /asynchronous code performs better/);
    await shootScreen(tab, '4-replay');
    // Back to the UI's origin: the session holds (its Strict cookie is sent again from there).
    await Promise.all([tab.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/#\/url\//), tab.click('#pagekeep-all')]);
    await tab.waitForSelector('.years');
  }));

  test('the reader view shows the title once and no permalink marks', () => withTab(async (tab) => {
    const list = await svc.call('GET', '/api/snapshots?group=url');
    const sphinx = list.snapshots.find(s => s.url.endsWith('/sphinx'));
    await tab.goto(svc.base + '/reader/' + sphinx.hashUrl + '/' + sphinx.timestamp);
    await tab.waitForURL(/^http:\/\/localhost:\d+\/c\/[^/]+\/reader\//);
    await tab.waitForLoadState('load');
    const body = await tab.textContent('body');
    assert.equal(body.split('Installing the package').length - 1, 1); // the heading, not again in the article
    assert.doesNotMatch(body, /\u00b6/);
    assert.match(body, /Requirements/);
    assert.match(body, /virtual environment/);
    await shootScreen(tab, '5-reader');
  }));

  test('the other screens: failed, needs browser, import and export', () => withTab(async (tab) => {
    for (const [hash, name, heading] of [['#/failed', '6-failed', 'Failed saves'],
      ['#/needs-browser', '7-needs-browser', 'Waiting for the browser'], ['#/io', '8-import-export', 'Import & export']]) {
      await tab.goto(svc.base + '/' + hash);
      await tab.waitForFunction(h => document.querySelector('#view h1') && document.querySelector('#view h1').textContent === h, heading);
      await shootScreen(tab, name);
    }
    // An export is a plain navigation, which cannot send the session's key: the button gets a
    // one-time ticket first, and the download starts.
    const [download] = await Promise.all([tab.waitForEvent('download'), tab.click('a[data-export="markdown"]')]);
    assert.match(download.suggestedFilename(), /^pagekeep-markdown-\d{14}\.zip$/);
    assert.ok((await download.path()) !== null, 'the download finished');
    // The export's progress panel: its format, its state, its pages.
    await tab.waitForSelector('#exports .panel [role="progressbar"]');
    assert.match(await tab.textContent('#exports .panel'), /MARKDOWN export/);
    await shootScreen(tab, '8-export-progress');
  }));

  test('a screen that cannot load says why in one line, not a blank page', () => withTab(async (tab) => {
    await tab.goto(svc.base + '/#/url/' + '0'.repeat(32));
    await tab.waitForSelector('#view p.error');
    assert.notEqual((await tab.textContent('#view p.error')).trim(), '');
    await shootScreen(tab, '15-error');
  }));

  test('deleting a URL removes it from the list, the stats and search', () => withTab(async (tab) => {
    await svc.saveAndWait([site.url('/doomed')]); // its own page: the other tests keep theirs
    const before = await statsLine();
    await tab.reload();
    await tab.waitForSelector('#view .row');
    await tab.waitForFunction(b => document.querySelector('#stats').textContent.includes(b), before);
    const target = tab.locator('#view .row', { hasText: 'A page to delete' });
    let asked = '';
    tab.once('dialog', d => { asked = d.message(); d.accept(); });
    await target.getByRole('button', { name: 'Delete 1 version' }).click();
    await tab.waitForFunction(() => ![...document.querySelectorAll('#view .row')].some(r => r.textContent.includes('A page to delete')));
    assert.match(asked, /^Delete the snapshot of http:.*\/doomed\?$/);
    const [, snaps, urls] = before.match(/^(\d+) snapshots of (\d+) URLs$/);
    const after = `${snaps - 1} snapshots of ${urls - 1} URLs`;
    await tab.waitForFunction(a => document.querySelector('#stats').textContent.includes(a), after);
    const found = await svc.call('GET', '/api/snapshots?q=' + encodeURIComponent('"bound to go"'));
    assert.equal(found.snapshots.length, 0);
    await shootScreen(tab, '9-after-delete');
  }));

  test('deleting one version in the timeline keeps the URL with its other version', () => withTab(async (tab) => {
    // Its own page, saved twice: the other tests' counts stay as they were.
    await svc.saveAndWait([site.url('/twice')]);
    await nextSecond();
    await svc.saveAndWait([site.url('/twice')]);
    const twice = (await svc.call('GET', '/api/snapshots?group=url')).snapshots.find(s => s.url.endsWith('/twice'));
    await tab.goto(svc.base + '/#/url/' + twice.hashUrl);
    await tab.waitForSelector('.years');
    let asked = '';
    tab.once('dialog', d => { asked = d.message(); d.accept(); });
    await tab.locator('#view .row').first().getByRole('button', { name: 'Delete this version' }).click();
    await tab.waitForFunction(() => document.querySelectorAll('#view .row').length === 1);
    assert.match(asked, /The other versions stay/);
    const after = (await svc.call('GET', '/api/snapshots?group=url')).snapshots.find(s => s.url.endsWith('/twice'));
    assert.equal(after.versions, 1);
    await svc.call('DELETE', '/api/snapshots/' + twice.hashUrl); // and gone, as it came
  }));

  test('without a session the UI data stays private', async () => {
    const anonymous = await browser.newPage();
    const res = await anonymous.goto(svc.base + '/api/snapshots');
    assert.equal(res.status(), 401);
    await anonymous.close();
  });
});
