// The web UI in a real Chromium against the real service: log in through the one-time link,
// search for a phrase, open a URL's timeline, replay a snapshot, delete one. Screenshots of each
// step go to test-artifacts/ui/ (git-ignored).
//
// Needs: server/target/pagekeep.jar (mvn -B package -DskipTests), /usr/bin/chromium, playwright-core.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jar = path.join(root, 'server', 'target', 'pagekeep.jar');
const shots = path.join(root, 'test-artifacts', 'ui');
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const page = (title, text) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>`
  + `<body><article><h1>${title}</h1><p>${text}</p></article></body></html>`;

const PAGES = {
  '/aiohttp': page('Making 1 million requests with python-aiohttp',
    'Everyone knows that asynchronous code performs better when applied to network operations.'),
  '/sourdough': page('Sourdough starter notes', 'Flour, water, patience and a warm kitchen.'),
  '/comets': page('Comets and their tails', 'Dirty snowballs on long orbits around the sun.'),
};

async function fixtureSite() {
  const server = http.createServer((req, res) => {
    const body = PAGES[req.url];
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(body || 'not here');
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  return { url: p => `http://127.0.0.1:${server.address().port}${p}`, close: () => new Promise(r => server.close(r)) };
}

async function startService(data) {
  const proc = spawn('java', ['-jar', jar, 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', d => { out += d; });
  proc.stderr.on('data', () => {});
  const deadline = Date.now() + 60000;
  while (!/^port (\d+)$/m.test(out)) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill('SIGKILL'); // never leave a service behind a failed start
      throw new Error('pagekeep serve did not start: ' + out);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  const base = 'http://127.0.0.1:' + out.match(/^port (\d+)$/m)[1];
  const token = fs.readFileSync(path.join(data, 'token'), 'utf8').trim();
  // serve prints a login link only to a terminal; a one-time link comes from the API, as the extension gets it.
  const login = (await (await fetch(base + '/api/login-links', { method: 'POST', headers: { Authorization: 'Bearer ' + token } })).json()).url;
  const call = async (method, p, body) => {
    const res = await fetch(base + p, {
      method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json();
  };
  return { proc, login, base, call, stop: () => new Promise(r => { proc.once('exit', r); proc.kill('SIGTERM'); }) };
}

async function saveAndWait(svc, urls) {
  const { saves } = await svc.call('POST', '/api/saves', { urls });
  for (const s of saves) {
    const deadline = Date.now() + 60000;
    for (;;) {
      const state = (await svc.call('GET', '/api/saves/' + s.id)).state;
      if (state === 'done') break;
      if (state === 'failed' || Date.now() > deadline) throw new Error('save of ' + s.url + ' ended ' + state);
      await new Promise(r => setTimeout(r, 100));
    }
  }
}

describe('web UI', { timeout: 180000 }, () => {
  let site, svc, browser, tab, data;

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'pagekeep-ui-'));
    site = await fixtureSite();
    svc = await startService(data);
    await saveAndWait(svc, Object.keys(PAGES).map(p => site.url(p)));
    await saveAndWait(svc, [site.url('/aiohttp')]); // a second version for the timeline
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  after(async () => {
    if (browser) await browser.close();
    if (svc) await svc.stop();
    if (site) await site.close();
    fs.rmSync(data, { recursive: true, force: true });
  });

  test('the login link opens the archive with the newest snapshots', async () => {
    await tab.goto(svc.login);
    await tab.waitForSelector('#view .row');
    assert.equal(new URL(tab.url()).pathname, '/');
    assert.equal(await tab.locator('#view .row').count(), 4); // every snapshot, the twice-saved page twice
    assert.match(await tab.textContent('#stats'), /4 snapshots of 3 URLs/);
    await tab.screenshot({ path: path.join(shots, '1-newest.png'), fullPage: true });
  });

  test('a remembered phrase finds its page with the words highlighted', async () => {
    await tab.keyboard.press('/');
    await tab.keyboard.type('"asynchronous code performs"');
    await tab.keyboard.press('Enter');
    await tab.waitForSelector('#view .row mark');
    const rows = tab.locator('#view .row');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /python-aiohttp/);
    assert.equal(await tab.locator('#view .row .snippet mark').first().textContent(), 'asynchronous code performs');
    await tab.screenshot({ path: path.join(shots, '2-search.png'), fullPage: true });
  });

  test('the timeline lists both versions and replays one with the banner', async () => {
    await tab.locator('#view .row').first().focus();
    await tab.keyboard.press('t');
    await tab.waitForSelector('.years');
    assert.equal(await tab.locator('#view .row').count(), 2);
    await tab.screenshot({ path: path.join(shots, '3-timeline.png'), fullPage: true });
    // The newer version links the diff against the older one.
    assert.equal(await tab.locator('#view .row a.diff').count(), 1);
    await Promise.all([tab.waitForURL(/\/diff\/\d{14}\/\d{14}\//), tab.locator('#view .row a.diff').click()]);
    assert.match(await tab.textContent('h1'), /What changed on/);
    await tab.goBack();
    await tab.waitForSelector('.years');
    await Promise.all([tab.waitForURL(/\/web\/\d{14}\//), tab.locator('#view .row a.title').first().click()]);
    assert.match(await tab.textContent('#pagekeep-banner'), /2 versions/);
    const content = tab.frameLocator('#pagekeep-frame');
    assert.match(await content.locator('body').textContent(), /asynchronous code performs better/);
    await tab.screenshot({ path: path.join(shots, '4-replay.png'), fullPage: true });
    await Promise.all([tab.waitForURL(/#\/url\//), tab.click('#pagekeep-all')]);
    await tab.waitForSelector('.years');
  });

  test('deleting a URL removes it from the list, the stats and search', async () => {
    await tab.goto(svc.base + '/#/');
    await tab.waitForSelector('#view .row');
    const target = tab.locator('#view .row', { hasText: 'Comets and their tails' });
    tab.once('dialog', d => d.accept());
    await target.getByRole('button', { name: 'Delete' }).click();
    await tab.waitForFunction(() => ![...document.querySelectorAll('#view .row')].some(r => r.textContent.includes('Comets')));
    await tab.waitForFunction(() => /3 snapshots of 2 URLs/.test(document.querySelector('#stats').textContent));
    const found = await svc.call('GET', '/api/snapshots?q=comets');
    assert.equal(found.snapshots.length, 0);
    await tab.screenshot({ path: path.join(shots, '5-after-delete.png'), fullPage: true });
  });

  test('without a session the UI data stays private', async () => {
    const anonymous = await browser.newPage();
    const res = await anonymous.goto(svc.base + '/api/snapshots');
    assert.equal(res.status(), 401);
    await anonymous.close();
  });
});
