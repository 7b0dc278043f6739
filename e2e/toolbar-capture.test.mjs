// Issue 13, parts 1, 2 and 5: the toolbar captures what the tab shows. Each test opens a fixture
// page in real Chromium with the real extension, saves it through the toolbar handler (native
// host, real service jar), replays the archived document (/web/{ts}mp_/{url}) in the same browser
// and compares element properties of the replay with the tab's.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { api, clickToolbar, openTab, startWorld, teardown, waitFor } from './harness.mjs';

const SECRET = 'pagekeep-session=s3cret-42';

/** A w×h PNG, all one colour (rgb), so "decoded" can be checked by size and by a pixel. */
function png(w, h, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const page = (title, body) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

const PAGES = {
  '/cssom.html': page('CSSOM', `
<style id="empty"></style>
<p id="inserted">styled by insertRule</p><p id="adopted">styled by an adopted sheet</p>
<script>
  document.getElementById('empty').sheet.insertRule('#inserted { color: rgb(1, 2, 3); padding-left: 17px; font-size: 23px }');
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('#adopted { background-color: rgb(4, 5, 6); border-top: 3px solid rgb(7, 8, 9); margin-left: 31px }');
  document.adoptedStyleSheets = [sheet];
</script>`),
  '/shadow.html': page('Shadow', `
<x-card id="host"></x-card>
<script>
  const root = document.getElementById('host').attachShadow({ mode: 'open' });
  root.innerHTML = '<style>p { font-size: 21px }</style><p class="inner">shadow text ✓ drawn by script</p>';
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('.inner { color: rgb(10, 20, 30); letter-spacing: 2px }');
  root.adoptedStyleSheets = [sheet];
</script>`),
  '/canvas.html': page('Canvas', `
<div id="box" style="width: 300px"><canvas id="chart" width="120" height="80" style="border: 2px solid black"></canvas></div>
<script>
  const c = document.getElementById('chart').getContext('2d');
  c.fillStyle = 'rgb(0, 0, 255)'; c.fillRect(0, 0, 120, 80);
  c.fillStyle = 'rgb(255, 0, 0)'; c.fillRect(10, 10, 50, 30);
  c.fillStyle = 'rgb(0, 200, 0)'; c.beginPath(); c.arc(90, 55, 15, 0, Math.PI * 2); c.fill();
</script>`),
  '/form.html': page('Form', `
<form action="/submit"><input id="name" name="name" value="from the server">
<input id="agree" type="checkbox"><input id="no" type="checkbox" checked>
<input id="r1" type="radio" name="r" checked><input id="r2" type="radio" name="r">
<select id="pick"><option value="a">A</option><option value="b">B</option><option value="c">C</option></select>
<select id="many" multiple><option id="m1" selected>1</option><option id="m2">2</option><option id="m3">3</option></select>
<textarea id="notes">server text</textarea>
<details id="more"><summary>More</summary><p>details body</p></details></form>`),
  '/scroll.html': page('Scroll', `
<div id="sidebar" style="height: 120px; width: 200px; overflow: auto"><div style="height: 3000px; width: 900px">long</div></div>
<div style="height: 4000px">tall page</div>
<script>
  const side = document.getElementById('sidebar');
  side.scrollTop = 640; side.scrollLeft = 45;
  window.scrollTo(0, 777);
</script>`),
  '/login.html': page('Logged in', `
<p>welcome back</p>
<script>
  document.cookie = '${SECRET}; path=/';
  const img = document.createElement('img');
  img.id = 'secret';
  img.src = '/secret.png';
  document.body.append(img);
</script>`),
  '/framed.html': page('Framed', '<iframe id="inner" src="/inner.html" width="400" height="200"></iframe>'),
  '/inner.html': page('Inner', '<p id="drawn">server text</p><script>document.getElementById("drawn").textContent = "frame text drawn by script";</script>'),
  '/big.html': page('Big', `<div id="big"></div><script>
  const words = []; for (let i = 0; i < 600000; i++) words.push('word' + (i % 1000) + ' ✓');
  document.getElementById('big').textContent = words.join(' ');
  document.body.insertAdjacentHTML('beforeend', '<p id="end">the end of a big page</p>');
</script>`),
};

async function fixtureSite() {
  const requests = [];
  const secretPng = png(37, 23, [200, 30, 90]);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    const cookie = req.headers.cookie || '';
    requests.push({ path: url.pathname, cookie });
    if (url.pathname === '/secret.png') {
      if (!cookie.split(/;\s*/).includes(SECRET)) {
        res.writeHead(403, { 'Content-Type': 'text/plain' });
        res.end('log in first');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'private, max-age=600' });
      res.end(secretPng);
      return;
    }
    const errors = { '/gone.html': 404, '/broken.html': 500 };
    if (errors[url.pathname]) {
      res.writeHead(errors[url.pathname], { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page(`Error ${errors[url.pathname]}`, `<h1>Error response ${errors[url.pathname]}</h1>`));
      return;
    }
    const body = PAGES[url.pathname];
    if (!body) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, url: (p) => base + p, requests, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

describe('toolbar capture of what the tab shows', { timeout: 600000 }, () => {
  let world;
  let site;
  let loggedIn = false;

  before(async () => {
    site = await fixtureSite();
    world = await startWorld({ installHost: true });
  });

  after(() => teardown(world, site));

  /** Saves the tab with the toolbar handler; resolves with {result, snapshot:{hashUrl,timestamp}} once done. */
  async function save(tabId) {
    const result = await clickToolbar(world, tabId);
    assert.equal(result.state, 'queued', JSON.stringify(result));
    const id = result.saves[0].id;
    const done = await waitFor(`save ${id} to finish`, async () => {
      const s = (await api(world.data, 'GET', `/api/saves/${id}`)).json();
      if (s.state === 'failed') throw new Error(`save failed: ${s.error}`);
      return s.state === 'done' ? s : null;
    });
    return { result, snapshot: done.snapshot };
  }

  /** An archive path under a fresh capability on the replay origin. */
  async function replayUrl(p) {
    return (await api(world.data, 'POST', '/api/replay-links', { path: p })).json().url;
  }

  /** The archived document alone, opened in the test browser (logged in to the archive). */
  async function replay(snapshot, url) {
    if (!loggedIn) {
      const link = (await api(world.data, 'POST', '/api/login-links')).json().url;
      const p = await world.context.newPage();
      await p.goto(link);
      await p.close();
      loggedIn = true;
    }
    const p = await world.context.newPage();
    // Archived pages are served on the replay origin (http://localhost:PORT/c/{capability}/...).
    const response = await p.goto(await replayUrl(`/web/${snapshot.timestamp}mp_/${url}`), { waitUntil: 'load' });
    assert.equal(response.status() < 500, true);
    return p;
  }

  test('CSSOM insertRule and adopted stylesheets: the replay computes the same styles as the tab', async () => {
    const url = site.url('/cssom.html');
    const { page: tab, tabId } = await openTab(world, url);
    const props = ['color', 'paddingLeft', 'fontSize', 'backgroundColor', 'borderTopWidth', 'borderTopColor', 'marginLeft'];
    const styles = (p) => p.evaluate((names) => ['inserted', 'adopted'].map((id) => {
      const cs = getComputedStyle(document.getElementById(id));
      return Object.fromEntries(names.map((n) => [n, cs[n]]));
    }), props);
    const live = await styles(tab);
    assert.equal(live[0].color, 'rgb(1, 2, 3)', 'the fixture styles the tab');
    assert.equal(live[1].backgroundColor, 'rgb(4, 5, 6)');
    const { snapshot } = await save(tabId);
    const replayed = await replay(snapshot, url);
    assert.deepEqual(await styles(replayed), live);
    await tab.close();
    await replayed.close();
  });

  test('open shadow roots: the replay has the shadow text and its styles, as declarative shadow DOM', async () => {
    const url = site.url('/shadow.html');
    const { page: tab, tabId } = await openTab(world, url);
    const read = (p) => p.evaluate(() => {
      const root = document.getElementById('host').shadowRoot;
      const inner = root && root.querySelector('.inner');
      if (!inner) return null;
      const cs = getComputedStyle(inner);
      return { text: inner.textContent, color: cs.color, fontSize: cs.fontSize, letterSpacing: cs.letterSpacing };
    });
    const live = await read(tab);
    assert.equal(live.color, 'rgb(10, 20, 30)');
    const { snapshot } = await save(tabId);
    const replayed = await replay(snapshot, url);
    assert.deepEqual(await read(replayed), live);
    await tab.close();
    await replayed.close();
  });

  test('canvas: the replay shows the drawn pixels at the same size', async () => {
    const url = site.url('/canvas.html');
    const { page: tab, tabId } = await openTab(world, url);
    const live = await tab.evaluate(() => {
      const c = document.getElementById('chart');
      const r = c.getBoundingClientRect();
      return { w: r.width, h: r.height, pixels: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) };
    });
    const { snapshot } = await save(tabId);
    const replayed = await replay(snapshot, url);
    const shown = await replayed.evaluate(async () => {
      const img = document.getElementById('chart');
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      c.getContext('2d').drawImage(img, 0, 0);
      const r = img.getBoundingClientRect();
      return { tag: img.localName, w: r.width, h: r.height, pixels: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data) };
    });
    assert.equal(shown.tag, 'img');
    assert.equal(shown.w, live.w);
    assert.equal(shown.h, live.h);
    assert.equal(shown.pixels.length, live.pixels.length);
    assert.ok(shown.pixels.every((v, i) => v === live.pixels[i]), 'every pixel of the canvas is in the replay');
    await tab.close();
    await replayed.close();
  });

  test('form state: values, checked, selected, textarea text and open details as the user left them', async () => {
    const url = site.url('/form.html');
    const { page: tab, tabId } = await openTab(world, url);
    await tab.fill('#name', 'typed by the user ✓');
    await tab.check('#agree');
    await tab.uncheck('#no');
    await tab.check('#r2');
    await tab.selectOption('#pick', 'c');
    await tab.selectOption('#many', ['2', '3']);
    await tab.fill('#notes', '\nfirst line\n<b>not markup</b> & more');
    await tab.click('#more summary');
    const read = (p) => p.evaluate(() => ({
      name: document.getElementById('name').value,
      agree: document.getElementById('agree').checked,
      no: document.getElementById('no').checked,
      r1: document.getElementById('r1').checked,
      r2: document.getElementById('r2').checked,
      pick: document.getElementById('pick').value,
      many: Array.from(document.getElementById('many').selectedOptions, (o) => o.id),
      notes: document.getElementById('notes').value,
      open: document.getElementById('more').open,
    }));
    const live = await read(tab);
    assert.equal(live.pick, 'c');
    const { snapshot } = await save(tabId);
    const replayed = await replay(snapshot, url);
    assert.deepEqual(await read(replayed), live);
    await tab.close();
    await replayed.close();
  });

  test('inner scroll: data-pagekeep-scroll in the stored HTML matches the tab\'s offsets', async () => {
    const url = site.url('/scroll.html');
    const { page: tab, tabId } = await openTab(world, url);
    const live = await tab.evaluate(() => {
      const side = document.getElementById('sidebar');
      return { side: `${side.scrollLeft},${side.scrollTop}`, page: `${window.scrollX},${window.scrollY}` };
    });
    assert.equal(live.side, '45,640');
    const { snapshot } = await save(tabId);
    const replayed = await replay(snapshot, url);
    const stored = await replayed.evaluate(() => ({
      side: document.getElementById('sidebar').getAttribute('data-pagekeep-scroll'),
      page: document.documentElement.getAttribute('data-pagekeep-scroll'),
    }));
    assert.deepEqual(stored, live);
    // The replay page (banner and frame) scrolls the archived page and its sidebar back to where they were.
    await replayed.goto(await replayUrl(`/web/${snapshot.timestamp}/${url}`), { waitUntil: 'load' });
    const frame = replayed.frame({ name: 'pagekeep-frame' });
    const restored = await waitFor('the replay page to restore the scroll offsets', () => frame.evaluate(() => {
      const side = document.getElementById('sidebar');
      const at = { side: `${side.scrollLeft},${side.scrollTop}`, page: `${window.scrollX},${window.scrollY}` };
      return at.page !== '0,0' ? at : null;
    }), { timeoutMs: 10000 });
    assert.deepEqual(restored, live);
    await tab.close();
    await replayed.close();
  });

  test('an image behind the session cookie the page set is archived from the browser and replays decoded', async () => {
    const url = site.url('/login.html');
    const { page: tab, tabId } = await openTab(world, url);
    await tab.waitForFunction(() => document.getElementById('secret').complete);
    const live = await tab.evaluate(() => {
      const img = document.getElementById('secret');
      return { w: img.naturalWidth, h: img.naturalHeight };
    });
    assert.deepEqual(live, { w: 37, h: 23 }, 'the tab shows the image (it sent the cookie)');
    const { result, snapshot } = await save(tabId);
    assert.ok(result.resources >= 1, JSON.stringify(result));
    const replayed = await replay(snapshot, url);
    const shown = await replayed.evaluate(async () => {
      const img = document.getElementById('secret');
      await img.decode().catch(() => {});
      const c = document.createElement('canvas');
      c.width = 1;
      c.height = 1;
      c.getContext('2d').drawImage(img, 5, 5, 1, 1, 0, 0, 1, 1);
      return { w: img.naturalWidth, h: img.naturalHeight, pixel: Array.from(c.getContext('2d').getImageData(0, 0, 1, 1).data) };
    });
    assert.deepEqual(shown, { ...live, pixel: [200, 30, 90, 255] });
    const withoutCookie = site.requests.filter((r) => r.path === '/secret.png' && !r.cookie.includes(SECRET));
    assert.equal(withoutCookie.length, 0, 'the service did not need to fetch the image itself (it would get a 403)');
    await tab.close();
    await replayed.close();
  });

  test('a same-origin frame is archived with the DOM its script drew', async () => {
    const url = site.url('/framed.html');
    const { page: tab, tabId } = await openTab(world, url);
    const frame = await waitFor('the frame', () => tab.frames().find((f) => f.url().endsWith('/inner.html')));
    assert.equal(await frame.evaluate(() => document.getElementById('drawn').textContent), 'frame text drawn by script');
    const { snapshot } = await save(tabId);
    const replayed = await replay(snapshot, url);
    const inner = await waitFor('the replayed frame', () => replayed.frames().find((f) => f !== replayed.mainFrame() && /inner\.html/.test(f.url())));
    await inner.waitForLoadState('load');
    assert.equal(await inner.evaluate(() => document.getElementById('drawn') && document.getElementById('drawn').textContent),
      'frame text drawn by script');
    await tab.close();
    await replayed.close();
  });

  test('an error page (404, 500) is stored with its status, not 200', async () => {
    for (const [path, status] of [['/gone.html', 404], ['/broken.html', 500]]) {
      const url = site.url(path);
      const { page: tab, tabId } = await openTab(world, url);
      const { snapshot } = await save(tabId);
      const versions = (await api(world.data, 'GET', `/api/snapshots/${snapshot.hashUrl}`)).json().versions;
      const version = versions.find((v) => v.timestamp === snapshot.timestamp);
      assert.equal(version.status, status, JSON.stringify(versions));
      await tab.close();
    }
  });

  test('a save larger than one native message goes through the host in parts', async () => {
    const url = site.url('/big.html');
    const { page: tab, tabId } = await openTab(world, url);
    await tab.waitForSelector('#end');
    const length = await tab.evaluate(() => document.documentElement.outerHTML.length);
    assert.ok(length > 4 * 1024 * 1024, `the page is over one part (${length} characters)`);
    const { result, snapshot } = await save(tabId);
    assert.equal(result.via, 'native');
    const replayed = await replay(snapshot, url);
    assert.equal(await replayed.evaluate(() => document.getElementById('end').textContent), 'the end of a big page');
    assert.equal(await replayed.evaluate(() => document.getElementById('big').textContent.length),
      await tab.evaluate(() => document.getElementById('big').textContent.length));
    await tab.close();
    await replayed.close();
  });
});
