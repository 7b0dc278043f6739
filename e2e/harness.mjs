// Shared set-up for the end-to-end tests: a real Chromium with the real extension, the real
// native host installed by `pagekeep install-host --user-data-dir`, the real service jar, and
// fixture pages from a Node server on 127.0.0.1:0. Nothing here is mocked.

import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
