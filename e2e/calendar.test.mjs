// A URL's calendar of captures in the web UI, in a real Chromium against the real service: the row
// of years with their counts, the chosen year's months with the days that have captures, and a day
// that opens its capture (one) or lists them (several). The captures span years, so they come from
// an imported WARC (its records keep their dates). Screenshots at desktop and phone widths go to
// test-artifacts/ui/ (git-ignored).
//
// Needs: server/target/pagekeep.jar (mvn -B package -DskipTests), /usr/bin/chromium, playwright-core.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { api, CHROMIUM, DESKTOP, freePort, requirePrerequisites, shootScreen, startService, teardown, tempDir } from './harness.mjs';

const URL_ = 'https://calendar.test/news';

// [WARC-Date, edition]: one in 2023, none in 2024, five in 2025 (three of them on 14 July).
const CAPTURES = [
  ['2023-11-02T12:00:00Z', 'A'],
  ['2025-03-05T12:00:00Z', 'B'],
  ['2025-07-14T08:00:00Z', 'C1'],
  ['2025-07-14T12:00:00Z', 'C2'],
  ['2025-07-14T16:30:00Z', 'C3'],
  ['2025-07-20T12:00:00Z', 'D'],
];

/** A plain WARC with one response record per capture of URL_. */
function warc() {
  const records = CAPTURES.map(([date, edition]) => {
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>News</title></head><body><h1>Edition ${edition}</h1></body></html>`;
    const http = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(html)}\r\n\r\n${html}`);
    const head = `WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:${randomUUID()}>\r\nWARC-Date: ${date}\r\n`
      + `WARC-Target-URI: ${URL_}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: ${http.length}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head), http, Buffer.from('\r\n\r\n')]);
  });
  return Buffer.concat(records);
}

describe('the calendar of a URL\'s captures', { timeout: 180000 }, () => {
  let data, svc, browser, tab, hashUrl, base;

  before(async () => {
    requirePrerequisites();
    data = tempDir('calendar');
    const port = await freePort();
    svc = await startService(data, port);
    base = `http://127.0.0.1:${port}`;
    const info = JSON.parse(fs.readFileSync(path.join(data, 'service.json'), 'utf8'));
    assert.equal(info.port, port);
    const token = fs.readFileSync(path.join(data, 'token'), 'utf8').trim();
    // A WARC import answers once its pages are stored.
    const imported = await fetch(base + '/api/imports?name=news.warc', {
      method: 'POST', headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/octet-stream' }, body: warc(),
    });
    assert.equal(imported.status, 202, await imported.clone().text());
    const versions = (await api(data, 'GET', '/api/snapshots?group=url')).json().snapshots;
    assert.equal(versions.length, 1);
    assert.equal(versions[0].versions, CAPTURES.length);
    hashUrl = versions[0].hashUrl;
    const login = (await api(data, 'POST', '/api/login-links')).json().url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    // Days are the viewer's days: UTC here, so that 14 July holds its three captures wherever the test runs.
    const context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'UTC', locale: 'en-GB' });
    tab = await context.newPage();
    await tab.goto(login);
    await tab.waitForSelector('#view .row');
  });

  after(() => teardown(browser, svc, data));

  async function openTimeline() {
    await tab.goto(base + '/#/url/' + hashUrl);
    await tab.waitForSelector('.calendar .month');
  }

  test('a row of years with their capture counts, the newest chosen, an empty year between them', async () => {
    await openTimeline();
    const years = tab.locator('.years button.year');
    assert.deepEqual(await years.locator('b').allTextContents(), ['2023', '2024', '2025']);
    assert.deepEqual(await years.locator('.year-count').allTextContents(), ['1', '0', '5']);
    assert.equal(await years.nth(1).isDisabled(), true);
    assert.equal(await tab.getAttribute('.year[data-year="2025"]', 'aria-pressed'), 'true');
    // The bar of 2025 stands five times as high as 2023's.
    const heights = await years.locator('.year-bar > span').evaluateAll(s => s.map(e => e.getBoundingClientRect().height));
    assert.ok(heights[2] > 4 * heights[0] && heights[1] === 0, JSON.stringify(heights));
  });

  test('the chosen year shows twelve months and marks each day with captures by its count', async () => {
    await openTimeline();
    assert.equal(await tab.locator('.month-grid table.month').count(), 12);
    const days = await tab.locator('.month-grid a.cap').evaluateAll(as => as.map(a => [a.dataset.day, +a.dataset.count, a.textContent]));
    assert.deepEqual(days, [['2025-03-05', 1, '5'], ['2025-07-14', 3, '14'], ['2025-07-20', 1, '20']]);
    assert.match(await tab.locator('a.cap[data-day="2025-07-14"]').getAttribute('aria-label'), /14 July 2025: 3 captures/);
    // More captures, a wider ring.
    const ring = d => tab.locator(`a.cap[data-day="${d}"]`).evaluate(a => getComputedStyle(a).boxShadow);
    assert.notEqual(await ring('2025-07-14'), await ring('2025-07-20'));
    assert.match(await tab.locator('caption', { hasText: 'July' }).textContent(), /July\s*4/);
    // Under it, the versions of that year only.
    assert.equal(await tab.textContent('h2.list-year'), '5 versions in 2025');
    assert.equal(await tab.locator('#view .row').count(), 5);
    await shootScreen(tab, '3-calendar');
  });

  test('a day with one capture opens it', async () => {
    await openTimeline();
    await Promise.all([tab.waitForURL(/\/web\/20250720120000\//), tab.click('a.cap[data-day="2025-07-20"]')]);
    assert.equal(new URL(tab.url()).pathname, '/web/20250720120000/' + URL_);
    assert.equal(await tab.frameLocator('#pagekeep-frame').locator('h1').textContent(), 'Edition D');
  });

  test('a day with several captures lists their times, and each opens its capture', async () => {
    await openTimeline();
    await tab.click('a.cap[data-day="2025-07-14"]');
    const pop = tab.locator('.daypop');
    await pop.waitFor({ state: 'visible' });
    assert.match(await pop.locator('b').textContent(), /^3 captures on 14 July 2025$/);
    assert.deepEqual(await pop.locator('li a').allTextContents(), ['08:00:00', '12:00:00', '16:30:00']);
    // A new layout closes the list (it is placed under its day): open it again at each width.
    await shootScreen(tab, '3-calendar-day', async () => {
      if (await pop.isVisible()) await tab.keyboard.press('Escape');
      await pop.waitFor({ state: 'hidden' });
      await tab.click('a.cap[data-day="2025-07-14"]');
      await pop.waitFor({ state: 'visible' });
    });
    await tab.keyboard.press('Escape');
    await pop.waitFor({ state: 'hidden' });
    await tab.click('a.cap[data-day="2025-07-14"]');
    await Promise.all([tab.waitForURL(/\/web\/20250714120000\//), pop.locator('li a', { hasText: '12:00:00' }).click()]);
    assert.equal(await tab.frameLocator('#pagekeep-frame').locator('h1').textContent(), 'Edition C2');
    // The banner's "N versions" link leads back to the calendar.
    await Promise.all([tab.waitForURL(/#\/url\//), tab.click('#pagekeep-all')]);
    await tab.waitForSelector('.calendar a.cap');
  });

  test('choosing another year shows its months and stays in the address', async () => {
    await openTimeline();
    await tab.click('.year[data-year="2023"]');
    assert.equal(await tab.getAttribute('.year[data-year="2023"]', 'aria-pressed'), 'true');
    assert.deepEqual(await tab.locator('.month-grid a.cap').evaluateAll(as => as.map(a => a.dataset.day)), ['2023-11-02']);
    assert.equal(new URL(tab.url()).hash, '#/url/' + hashUrl + '/2023');
    assert.equal(await tab.textContent('h2.list-year'), '1 version in 2023');
    assert.deepEqual(await tab.locator('#view .row a.title').allTextContents(), ['2 Nov 2023, 12:00:00']);
    await tab.reload();
    await tab.waitForSelector('.calendar a.cap');
    assert.deepEqual(await tab.locator('.month-grid a.cap').evaluateAll(as => as.map(a => a.dataset.day)), ['2023-11-02']);
    await Promise.all([tab.waitForURL(/\/web\/20231102120000\//), tab.click('a.cap[data-day="2023-11-02"]')]);
    assert.equal(await tab.frameLocator('#pagekeep-frame').locator('h1').textContent(), 'Edition A');
  });
});
