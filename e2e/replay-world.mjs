// Shared parts for the replay tests and the fidelity benchmark: the real service jar on a fresh
// data directory (port 0), a static file server on 127.0.0.1:0 for the origin site, the save API,
// and a headless Chromium. Nothing is mocked.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const JAR = process.env.PAGEKEEP_JAR || path.join(REPO, 'server', 'target', 'pagekeep.jar');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SITE_FIXTURE = path.join(REPO, 'server', 'src', 'test', 'resources', 'fixtures', 'site');
const JAVA = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

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
