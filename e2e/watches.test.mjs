// Watches in a real Chromium against the real service (the jar): a feed with links is followed,
// the Watches screen shows each watch's last check, next check and what it added; a re-captured page
// that changed is listed under "Changed since you saved it" with a link to what changed, and its
// timeline says how often it was checked unchanged. Screenshots go to test-artifacts/ui/.
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

const html = (title, text) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

async function fixtureSite() {
  const pages = new Map();
  const server = http.createServer((req, res) => {
    const p = pages.get(req.url);
    res.writeHead(p ? 200 : 404, { 'Content-Type': p ? p.type : 'text/plain' });
    res.end(p ? p.body : 'not here');
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const url = p => `http://127.0.0.1:${server.address().port}${p}`;
  return { url, set: (p, type, body) => pages.set(p, { type, body }), close: () => new Promise(r => server.close(r)) };
}

async function startService(data) {
  const proc = spawn('java', ['-jar', jar, 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', d => { out += d; });
  proc.stderr.on('data', () => {});
  const deadline = Date.now() + 60000;
  while (!/^port (\d+)$/m.test(out)) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill('SIGKILL');
      throw new Error('pagekeep serve did not start: ' + out);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  const base = 'http://127.0.0.1:' + out.match(/^port (\d+)$/m)[1];
  const token = fs.readFileSync(path.join(data, 'token'), 'utf8').trim();
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

async function until(what, f) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise(r => setTimeout(r, 100));
  }
}

const idle = svc => until('the queue to empty', async () => {
  const s = (await svc.call('GET', '/api/stats')).saves;
  return s.queued === 0 && s.fetching === 0;
});

describe('watches in the web UI', { timeout: 180000 }, () => {
  let site, svc, browser, tab, data, feedWatch, pageWatch;

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'pagekeep-watches-'));
    site = await fixtureSite();
    site.set('/post/1', 'text/html', html('First post', 'It links to a reference.'));
    site.set('/ref/a', 'text/html', html('A reference', 'Cited by the first post.'));
    site.set('/feed', 'application/feed+json', JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1', title: 'A blog',
      items: [{ id: '1', url: site.url('/post/1'), title: 'First post', content_html: `<a href="${site.url('/ref/a')}">a reference</a>` }],
    }));
    site.set('/prices', 'text/html', html('Prices', 'Apples cost 3 euros.'));
    svc = await startService(data);
    feedWatch = await svc.call('POST', '/api/watches', { url: site.url('/feed'), links: true, every: '6h' });
    pageWatch = await svc.call('POST', '/api/watches', { url: site.url('/prices'), recapture: true });
    await until('the first checks', async () => (await svc.call('GET', '/api/watches')).watches.every(w => w.lastCheck));
    await idle(svc);
    await svc.call('POST', `/api/watches/${pageWatch.id}/check`); // unchanged
    site.set('/prices', 'text/html', html('Prices', 'Apples cost 5 euros.'));
    await new Promise(r => setTimeout(r, 1100)); // the new version a second later
    await svc.call('POST', `/api/watches/${pageWatch.id}/check`); // changed
    await idle(svc);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await tab.goto(svc.login);
  });

  after(async () => {
    if (browser) await browser.close();
    if (svc) await svc.stop();
    if (site) await site.close();
    fs.rmSync(data, { recursive: true, force: true });
  });

  test('the Watches screen shows each watch with its last and next check and what it added', async () => {
    await tab.goto(svc.base + '/#/watches');
    const row = tab.locator(`[data-watch="${feedWatch.id}"]`);
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /A blog/);
    assert.match(text, /json, with links · every 6h/);
    assert.match(text, /last check: .*\(1 new entry, 2 queued\)/);
    assert.match(text, /next check: /);
    assert.match(text, /added 2 URLs in all/);
    await row.locator('summary').click();
    assert.deepEqual(await row.locator('details li a').allTextContents(), [site.url('/post/1'), site.url('/ref/a')]);
    await tab.screenshot({ path: path.join(shots, 'watches-desktop.png'), fullPage: true });

    await row.getByRole('button', { name: 'Check now' }).click();
    await tab.waitForFunction(id => /nothing new/.test(document.querySelector(`[data-watch="${id}"]`).textContent), feedWatch.id);
  });

  test('a re-captured page that changed is listed with what changed, and its timeline says it was checked unchanged', async () => {
    await tab.goto(svc.base + '/#/watches');
    const change = tab.locator('#changes .row').first();
    await change.waitFor();
    assert.equal(await change.locator('.title').textContent(), site.url('/prices'));
    const diff = change.locator('a.diff');
    await diff.waitFor();
    await diff.click();
    await tab.waitForLoadState();
    const body = await tab.textContent('body');
    assert.match(body, /Apples cost 3 euros/);
    assert.match(body, /Apples cost 5 euros/);

    await tab.goto(svc.base + '/#/watches');
    await tab.locator('#changes .row .title').first().click();
    await tab.waitForSelector('.checks');
    assert.match(await tab.textContent('.checks'), /Checked, unchanged: 1 time/);
    assert.equal(await tab.locator('#view ol.rows .row').count(), 2);
  });
});
