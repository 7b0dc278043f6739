// The one set-up module of the end-to-end tests (and bench/fidelity): a real Chromium with the real
// extension, the real native host installed by `pagekeep install-host --user-data-dir`, the real
// service jar, and fixture pages from a Node server on 127.0.0.1:0 (startWorld and its helpers);
// the jar on a temp data dir with a static origin and a bare Chromium for the replay and export
// tests (startArchive, staticServer, launchChromium); whole-page screenshots and pixel comparison
// (shootWholePage, comparePixels). Nothing here is mocked.

import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EXTENSION_DIR = path.join(REPO, 'extension');
export const EXTENSION_ID = 'jajhiedogdgfbfhklbcligfhocfhfepg';
export const JAR = process.env.PAGEKEEP_JAR || path.join(REPO, 'server', 'target', 'pagekeep.jar');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const JAVA = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

export function requirePrerequisites() {
  if (!existsSync(JAR)) throw new Error(`no ${JAR}: build it first with mvn -B package -DskipTests`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
}

/** Runs `java -jar pagekeep.jar ...args`; resolves with {stdout, stderr}. */
export function pagekeep(args, env = {}) {
  return run(JAVA, ['-jar', JAR, ...args], { env: { ...process.env, ...env }, timeout: 60000 });
}

/** Polls fn until it returns a truthy value; fails with `what` after timeoutMs. */
export async function waitFor(what, fn, { timeoutMs = 60000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A fixture web server on 127.0.0.1 with an ephemeral port. `routes` maps a path to
 * [contentType, body, status = 200], or a function (url, req) returning that. Every request is
 * recorded with its user agent.
 */
export async function fixtureServer(routes) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    requests.push({ path: url.pathname, userAgent: req.headers['user-agent'] || '' });
    const route = routes[url.pathname];
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const [type, body, status = 200] = typeof route === 'function' ? route(url, req) : route;
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    url: (p) => base + p,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** A port that was free a moment ago (for a service we start and stop ourselves). */
export async function freePort() {
  const s = http.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * A fresh browser profile and data directory. With installHost, the native host is installed
 * into the profile by the real `install-host --user-data-dir`. No service runs at first.
 */
export async function startWorld({ installHost = true, servicePort = 0 } = {}) {
  requirePrerequisites();
  const root = mkdtempSync(path.join(tmpdir(), 'pagekeep-e2e-'));
  const profile = path.join(root, 'profile');
  const data = path.join(root, 'data');
  let installOutput = '';
  if (installHost) {
    const { stdout } = await pagekeep(['install-host', '--browser', 'chromium', '--user-data-dir', profile, '--data', data]);
    installOutput = stdout;
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // The host inherits Chromium's environment: port 0 lets an auto-started service take a free port.
    env: { ...process.env, PAGEKEEP_HOME: data, PAGEKEEP_PORT: String(servicePort) },
    args: [
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    || await context.waitForEvent('serviceworker', { timeout: 30000 });
  const world = {
    root, profile, data, context, worker, installOutput,
    extensionId: new URL(worker.url()).host,
    /** The worker of the extension now (Chromium may have restarted it). */
    sw() {
      return context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${world.extensionId}/`)) || worker;
    },
    evaluate(fn, arg) {
      return world.sw().evaluate(fn, arg);
    },
    async close() {
      await context.close().catch(() => {});
      await stopService(data);
      if (!process.env.PAGEKEEP_E2E_KEEP) rmSync(root, { recursive: true, force: true });
    },
  };
  return world;
}

/** {port, pid, token} of the service running on this data directory, or null. */
export function serviceInfo(data) {
  const file = path.join(data, 'service.json');
  if (!existsSync(file)) return null;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8'));
    const token = readFileSync(path.join(data, 'token'), 'utf8').trim();
    return { ...info, token, base: `http://127.0.0.1:${info.port}` };
  } catch {
    return null;
  }
}

export async function stopService(data) {
  const info = serviceInfo(data);
  if (!info || !info.pid) return;
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    return; // not running
  }
  await waitFor('the service to stop', () => {
    try {
      process.kill(info.pid, 0);
      return false;
    } catch {
      return true;
    }
  }, { timeoutMs: 20000 });
}

/** Starts `pagekeep serve` in the background; resolves with a handle once /api/health answers. */
export async function startService(data, port) {
  const { spawn } = await import('node:child_process');
  const child = spawn(JAVA, ['-jar', JAR, 'serve', '--data', data, '--port', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PAGEKEEP_HOME: data },
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  try {
    await waitFor(`pagekeep serve on port ${port} (${stderr.trim()})`, async () => {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${stderr.trim()}`);
      const r = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
      return r && r.ok;
    }, { timeoutMs: 30000 });
  } catch (e) {
    child.kill('SIGKILL'); // never leave a service behind a failed start
    throw e;
  }
  return {
    child,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** Writes the API token a service on `data` will use, before any service created one. */
export function presetToken(data, token) {
  mkdirSync(data, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(data, 'token'), `${token}\n`, { mode: 0o600 });
}

/** Sets extension settings the way the options page stores them (chrome.storage.local). */
export function setSettings(world, patch) {
  return world.evaluate(async (p) => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...(settings || {}), ...p } });
  }, patch);
}

export function outbox(world) {
  return world.evaluate(async () => (await chrome.storage.local.get('outbox')).outbox || []);
}

/** Calls the service's API with the token from the data directory. */
export async function api(data, method, p, body) {
  const info = serviceInfo(data);
  if (!info) throw new Error('no service.json yet');
  const r = await fetch(info.base + p, {
    method,
    headers: { Authorization: `Bearer ${info.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, text, json: () => JSON.parse(text) };
}

/** The newest snapshot's replayed HTML for url, or null while there is none. */
/** The archived page of url's newest snapshot as replay serves it (the content of the replay page's frame). */
export async function replayed(data, url) {
  const r = await api(data, 'GET', `/web/${url}`);
  if (r.status !== 200) return null;
  const frame = /<iframe id="pagekeep-frame"[^>]* src="([^"]+)"/.exec(r.text);
  if (!frame) return r.text;
  const content = await api(data, 'GET', frame[1].replace(/&amp;/g, '&'));
  return content.status === 200 ? content.text : null;
}

/** Opens url in a new tab; resolves with {page, tabId}. */
export async function openTab(world, url) {
  const page = await world.context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const tabId = await world.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    const tab = tabs.find((t) => t.url === u);
    return tab ? tab.id : null;
  }, url);
  if (tabId === null) throw new Error(`no tab shows ${url}`);
  return { page, tabId };
}

/** Exactly what a toolbar click does, on that tab. */
export function clickToolbar(world, tabId) {
  return world.evaluate(async (id) => self.pagekeep.onActionClicked(await chrome.tabs.get(id)), tabId);
}

/** Exactly what choosing a context menu item does. */
export function clickMenu(world, tabId, info) {
  return world.evaluate(async ({ id, info }) => self.pagekeep.onMenuClicked(info, await chrome.tabs.get(id)), { id: tabId, info });
}

export function badge(world, tabId) {
  return world.evaluate(async (id) => ({
    text: await chrome.action.getBadgeText({ tabId: id }),
    title: await chrome.action.getTitle({ tabId: id }),
  }), tabId);
}

// ---------------------------------------------------------------- the archive without the extension
// The service jar on a temp data dir, a static origin, and a bare headless Chromium (no extension):
// for the replay, fidelity and export tests.

export const SITE_FIXTURE = path.join(REPO, 'server', 'src', 'test', 'resources', 'fixtures', 'site');

export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const TYPES = {
  '.html': 'text/html', '.htm': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.png': 'image/png',
  '.gif': 'image/gif', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.webm': 'video/webm', '.mp3': 'audio/mpeg',
  '.vtt': 'text/vtt', '.swf': 'application/x-shockwave-flash', '.txt': 'text/plain', '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serves the files under `root` (and `extra` routes: path -> [contentType, body]) on
 * 127.0.0.1:0. Records every request path. `close()` stops it for good.
 */
export async function staticServer(root, extra = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(p);
    const route = extra[p];
    if (route) {
      const [type, body] = typeof route === 'function' ? route() : route;
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
      return;
    }
    let file = path.join(root, path.normalize(p));
    if (!file.startsWith(root)) file = root + '/\0';
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': statSync(file).size, 'Cache-Control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    origin: base,
    url: (p) => base + p,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** `pagekeep serve --port 0` on a fresh data directory; resolves once it printed its port. */
export async function startArchive() {
  if (!existsSync(JAR)) throw new Error(`no ${JAR}: build it first with mvn -B package -DskipTests`);
  const data = mkdtempSync(path.join(tmpdir(), 'pagekeep-replay-'));
  const child = spawn(JAVA, ['-jar', JAR, 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a service behind a failed start
      reject(new Error(`pagekeep serve printed no port in 60 s: ${err.trim()}`));
    }, 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^port (\d+)$/m.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`pagekeep serve exited ${code}: ${err.trim()}`)); });
  });
  const token = readFileSync(path.join(data, 'token'), 'utf8').trim();
  const base = `http://127.0.0.1:${port}`;
  const svc = {
    data, port, base, token, child,
    /** The replay origin: archived pages are served there only, under a capability (/c/{capability}/web/...). */
    replayOrigin: `http://localhost:${port}`,
    stderr: () => err,
    /**
     * An archive path (/web/..., /reader/..., /diff/...) on the replay origin under a fresh capability:
     * what the bounce page on the UI's origin goes to for a logged-in browser, without the extra hop.
     */
    async replayUrl(p) {
      const r = await svc.api('POST', '/api/replay-links', { path: p });
      if (r.status !== 200) throw new Error(`POST /api/replay-links answered ${r.status}: ${r.text}`);
      return r.json.url;
    },
    async api(method, p, body) {
      const r = await fetch(base + p, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        redirect: 'manual',
      });
      const text = await r.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      return { status: r.status, text, json, headers: r.headers };
    },
    /** Saves every URL (one request), waits until each is done; returns the finished saves. */
    async archive(urls, { timeoutMs = 120000 } = {}) {
      const r = await svc.api('POST', '/api/saves', { urls, source: 'api' });
      if (r.status !== 202) throw new Error(`POST /api/saves answered ${r.status}: ${r.text}`);
      return Promise.all(r.json.saves.map((s) => svc.waitSave(s.id, timeoutMs)));
    },
    async waitSave(id, timeoutMs = 120000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = (await svc.api('GET', `/api/saves/${id}`)).json;
        if (s.state === 'done') return s;
        if (s.state === 'failed') throw new Error(`save of ${s.url} failed: ${s.error}`);
        if (Date.now() > deadline) throw new Error(`save ${id} still ${s.state} after ${timeoutMs} ms`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    /**
     * A browser context that holds the session: the cookie, and the key the UI's page keeps in its
     * localStorage (both through a one-time login link).
     */
    async login(context) {
      const link = (await svc.api('POST', '/api/login-links')).json.url;
      const page = await context.newPage();
      await page.goto(link);
      await page.waitForFunction(() => !!localStorage.getItem('pagekeep-key') && !location.hash);
      await page.close();
    },
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      if (!keepData && !process.env.PAGEKEEP_E2E_KEEP) rmSync(data, { recursive: true, force: true });
    },
  };
  return svc;
}

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// ---------------------------------------------------------------- pixels

/** A screenshot of the whole page at `width`, the viewport as tall as the page (so 100vh = the page). */
export async function shootWholePage(page, url, width) {
  await page.setViewportSize({ width, height: 800 });
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height });
  return { png: await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' }), height };
}

/**
 * Two PNGs compared pixel by pixel, drawn in the blank page `cmp`: the share of identical pixels,
 * both sizes, and the first rows that differ.
 */
export async function comparePixels(cmp, a, b) {
  return cmp.evaluate(async ([x, y]) => {
    const load = (b64) => new Promise((ok, fail) => {
      const img = new Image();
      img.onload = () => ok(img);
      img.onerror = fail;
      img.src = `data:image/png;base64,${b64}`;
    });
    const [ia, ib] = await Promise.all([load(x), load(y)]);
    const w = Math.max(ia.width, ib.width);
    const h = Math.max(ia.height, ib.height);
    const pixels = (img) => {
      const c = new OffscreenCanvas(w, h);
      const g = c.getContext('2d');
      g.fillStyle = '#ff00ff';
      g.fillRect(0, 0, w, h);
      g.drawImage(img, 0, 0);
      return new Uint32Array(g.getImageData(0, 0, w, h).data.buffer);
    };
    const pa = pixels(ia);
    const pb = pixels(ib);
    let same = 0;
    const rows = new Set();
    for (let i = 0; i < pa.length; i++) {
      if (pa[i] === pb[i]) same++;
      else rows.add(Math.floor(i / w));
    }
    const r = [...rows];
    return { share: same / pa.length, sizes: [ia.width, ia.height, ib.width, ib.height], firstRows: r.slice(0, 5) };
  }, [a.toString('base64'), b.toString('base64')]);
}

// ---------------------------------------------------------------- the web UI

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const UI_SHOTS = path.join(REPO, 'test-artifacts', 'ui');
const SHOT_NAME = /^\d+-[a-z0-9-]+-(desktop|phone)\.png$/;

/**
 * A UI screen at both widths: test-artifacts/ui/N-screen-desktop.png and N-screen-phone.png.
 * `prepare` sets the screen up again after each resize (for screens that lay out on load).
 * Files there that no test makes any more (names not of that form) are removed.
 */
export async function shootScreen(tab, name, prepare = async () => {}) {
  if (!/^\d+-[a-z0-9-]+$/.test(name)) throw new Error('a screenshot is named N-screen: ' + name);
  mkdirSync(UI_SHOTS, { recursive: true });
  for (const f of readdirSync(UI_SHOTS)) if (!SHOT_NAME.test(f)) rmSync(path.join(UI_SHOTS, f), { force: true });
  const before = tab.viewportSize();
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await tab.setViewportSize(size);
    await prepare();
    await tab.screenshot({ path: path.join(UI_SHOTS, `${name}-${label}.png`), fullPage: true });
  }
  if (before) await tab.setViewportSize(before);
}

/** A fixture site on 127.0.0.1:0 serving `pages` (path → HTML, or { type, body }); `set` changes one. */
export async function pagesServer(pages = {}) {
  const map = new Map(Object.entries(pages));
  const server = http.createServer((req, res) => {
    const p = map.get(req.url);
    const { type, body } = typeof p === 'string' ? { type: 'text/html; charset=utf-8', body: p } : (p || {});
    res.writeHead(p ? 200 : 404, { 'Content-Type': p ? type : 'text/plain' });
    res.end(p ? body : 'not here');
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const url = p => `http://127.0.0.1:${server.address().port}${p}`;
  return {
    url, set: (p, type, body) => map.set(p, { type, body }), remove: p => map.delete(p),
    close: () => new Promise(r => server.close(r)),
  };
}

/**
 * `pagekeep serve --port 0` on `data` as a process: its base URL, `call(method, path, body)` with
 * the token, `loginLink()` (a fresh one-time link, as the extension gets it), `saveAndWait`, `idle`
 * and `stop`.
 */
export async function serveJar(data) {
  const proc = spawn(JAVA, ['-jar', JAR, 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', d => { out += d; });
  proc.stderr.on('data', () => {});
  try {
    await waitFor('pagekeep serve to print its port', () => {
      if (proc.exitCode !== null) throw new Error('pagekeep serve ended: ' + out);
      return /^port (\d+)$/m.test(out);
    }, { intervalMs: 100 });
  } catch (e) {
    proc.kill('SIGKILL'); // never leave a service behind a failed start
    throw e;
  }
  const base = 'http://127.0.0.1:' + out.match(/^port (\d+)$/m)[1];
  const token = readFileSync(path.join(data, 'token'), 'utf8').trim();
  const call = async (method, p, body) => {
    const res = await fetch(base + p, {
      method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json();
  };
  const svc = {
    proc, base, call,
    loginLink: async () => (await call('POST', '/api/login-links')).url,
    /** Saves the URLs (with tags) and waits until each is done; a failed one throws. */
    saveAndWait: async (urls, tags) => {
      const { saves } = await call('POST', '/api/saves', tags ? { urls, tags } : { urls });
      for (const s of saves) {
        const state = await waitFor('save of ' + s.url, async () => {
          const now = (await call('GET', '/api/saves/' + s.id)).state;
          return now === 'done' || now === 'failed' ? now : null;
        }, { intervalMs: 100 });
        if (state !== 'done') throw new Error('save of ' + s.url + ' ended ' + state);
      }
    },
    /** Waits until no save is queued or fetching. */
    idle: () => waitFor('the queue to empty', async () => {
      const s = (await call('GET', '/api/stats')).saves;
      return s.queued === 0 && s.fetching === 0;
    }, { intervalMs: 100 }),
    stop: () => new Promise(r => { if (proc.exitCode !== null) r(); else { proc.once('exit', r); proc.kill('SIGTERM'); } }),
  };
  return svc;
}

/** A new tab of `browser` logged in to the web UI through a fresh one-time link. */
export async function loggedInTab(browser, svc, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  const tab = await context.newPage();
  await tab.goto(await svc.loginLink());
  await tab.waitForURL(u => new URL(u).pathname === '/');
  return tab;
}

/** Runs `body` with a new logged-in tab (see loggedInTab), and closes the tab's context after it. */
export async function withLoggedInTab(browser, svc, body) {
  const tab = await loggedInTab(browser, svc);
  try {
    return await body(tab);
  } finally {
    await tab.context().close();
  }
}

/** The next wall-clock second: snapshot timestamps have one-second resolution. */
export async function nextSecond() {
  const s = Math.floor(Date.now() / 1000);
  await waitFor('the next second', () => Math.floor(Date.now() / 1000) > s, { intervalMs: 20 });
}

/** A new temp directory, `pagekeep-NAME-XXXXXX` (teardown removes it). */
export function tempDir(name) {
  return mkdtempSync(path.join(tmpdir(), `pagekeep-${name}-`));
}

/**
 * The one teardown of a test file, for its `after`: ends what it is given, in that order, each
 * whatever became of the ones before it. A function is called; a service (`stop()`, a world's or an
 * archive's included) is stopped; a browser, origin or world (`close()`) is closed; a string is a
 * temp directory, removed unless PAGEKEEP_E2E_KEEP is set; null and undefined (a `before` that
 * failed early) are passed over. What fails is reported on stderr, and the others still run.
 *
 *   after(() => teardown(browser, svc, site, data));
 */
export async function teardown(...things) {
  for (const thing of things) {
    if (thing === null || thing === undefined) continue;
    try {
      if (typeof thing === 'string') {
        if (!process.env.PAGEKEEP_E2E_KEEP) rmSync(thing, { recursive: true, force: true });
      } else if (typeof thing === 'function') {
        await thing();
      } else if (typeof thing.stop === 'function') {
        await thing.stop();
      } else {
        await thing.close();
      }
    } catch (e) {
      console.error(`teardown: ${e.message}`);
    }
  }
}
