// The static site export opened from disk in a real Chromium: pages with stylesheets, a stylesheet
// from above the site root, an image and links between them are archived by the real service jar,
// exported with `pagekeep export --format site`, then the service and the origin are stopped and the
// export's index.html and every page are opened from file://. Nothing may be requested outside the
// export folder; styles and images load; links between exported pages lead to exported files; each
// page looks as the live page did, pixel for pixel.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { JAR, REPO, comparePixels, launchChromium, shootWholePage, startArchive, staticServer, teardown, tempDir } from './harness.mjs';

const LAYOUTS = path.join(REPO, 'e2e', 'layouts');
const ARTIFACTS = path.join(REPO, 'test-artifacts', 'site-export');
const PAGES = ['flex.html', 'sidebar.html', 'sticky.html', 'links.html', 'grid.html', 'above-root.html'];
const WIDTH = 1024;

let out;
let browser;
let origin;
const live = new Map();
const liveUrl = new Map();

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const svc = await startArchive();
  origin = await staticServer(LAYOUTS);
  try {
    await svc.archive([origin.url('/flex.html')]);
    await svc.archive(PAGES.slice(1).map((p) => origin.url(`/${p}`)));
    browser = await launchChromium();
    const page = await (await browser.newContext()).newPage();
    for (const p of PAGES) {
      liveUrl.set(p, origin.url(`/${p}`));
      live.set(p, await shootWholePage(page, origin.url(`/${p}`), WIDTH));
    }
    out = path.join(tempDir('site-export'), 'site');
    const r = spawnSync('java', ['-jar', JAR, 'export', '--format', 'site', '--out', out, '--data', svc.data], { encoding: 'utf8' });
    assert.equal(r.status, 0, `pagekeep export failed: ${r.stderr}`);
    assert.match(r.stdout, /wrote \d+ files to /);
  } finally {
    await svc.stop();
    await origin.close(); // from here on, nothing may come from the origin or the service
  }
});

after(() => teardown(browser, out && path.dirname(out)));

test('the exported site opens from file:// with its styles and images, local links and no request outside it', async () => {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
  const folder = pathToFileURL(out).href + '/';
  const outside = [];
  const failed = [];
  context.on('request', (r) => { if (!r.url().startsWith(folder) && !/^(data|about):/.test(r.url())) outside.push(r.url()); });
  context.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  await context.route(/^https?:/, (route) => route.abort()); // a leak fails here rather than reaching anything
  const page = await context.newPage();
  await page.goto(folder + 'index.html', { waitUntil: 'load' });
  // The site's one stylesheet (page.css, beside index.html) loads from file:// under the pages' CSP.
  assert.match(await page.evaluate(() => getComputedStyle(document.body).fontFamily), /Georgia/, 'index.html styled by page.css');
  const entries = await page.$$eval('ol > li', (lis) => lis.map((li) => ({
    page: li.querySelector('a').href, reader: li.querySelectorAll('a')[1].href, url: li.querySelector('small').textContent,
  })));
  assert.equal(entries.length, PAGES.length, 'one entry per archived page');
  const exported = new Map();
  for (const p of PAGES) {
    const e = entries.find((x) => x.url.startsWith(liveUrl.get(p) + ' '));
    assert.ok(e, `${p} is listed in the index`);
    assert.match(e.page, /\/\d{4}\/[0-9a-f]{32}\/index\.html$/);
    assert.ok(e.page.startsWith(folder));
    exported.set(p, e.page);
  }
  const cmp = await (await browser.newContext()).newPage();
  const shares = {};
  for (const p of PAGES) {
    const shot = await shootWholePage(page, exported.get(p), WIDTH);
    writeFileSync(path.join(ARTIFACTS, p.replace('.html', '.export.png')), shot.png);
    shares[p] = (await comparePixels(cmp, live.get(p).png, shot.png)).share;
  }
  console.log('identical pixels, exported page vs live page:', JSON.stringify(shares));
  for (const p of PAGES) assert.equal(shares[p], 1, `${p}: the exported page looks as the live page did (see test-artifacts/site-export/)`);

  // Styles (one from above the site root) and the image came from the files beside the page.
  await page.goto(exported.get('above-root.html'), { waitUntil: 'load' });
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('h1')).color), 'rgb(181, 137, 0)');
  await page.goto(exported.get('grid.html'), { waitUntil: 'load' });
  const img = await page.evaluate(() => { const i = document.querySelector('img'); return { w: i.naturalWidth, src: i.src }; });
  assert.ok(img.w > 0, 'the image loaded');
  assert.match(img.src, /\/files\/[0-9a-f]{16}\.png$/);

  // Links between exported pages go to the exported files; the others to the live web.
  await page.goto(exported.get('flex.html'), { waitUntil: 'load' });
  const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
  assert.ok(links.includes(exported.get('sidebar.html')), 'flex.html links to the exported sidebar.html');
  for (const l of links.filter((x) => x.startsWith('file:'))) {
    assert.ok(existsSync(fileURLToPath(l.replace(/#.*$/, ''))), `${l} exists`);
  }
  assert.ok(links.includes('https://tides.example.org/table'), 'a page never archived stays a live link');
  await page.click(`a[href$="${exported.get('sidebar.html').split('/').slice(-3).join('/')}"]`);
  await page.waitForLoadState('load');
  assert.equal(page.url(), exported.get('sidebar.html'), 'following the link opens the exported page');

  // The reader view beside each page.
  await page.goto(entries[0].reader, { waitUntil: 'load' });
  assert.ok((await page.textContent('article')).trim().length > 0, 'the reader view has the text');
  assert.match(await page.evaluate(() => getComputedStyle(document.body).fontFamily), /Georgia/, 'reader.html styled by ../../page.css');

  assert.deepEqual(outside, [], 'requests outside the export folder');
  assert.deepEqual(failed, [], 'requests that failed');
  await context.close();
});
