#!/usr/bin/env node
// Replay fidelity on a real documentation site, one command:
//
//   node bench/fidelity/run.mjs [--root /usr/share/doc/python3.11/html] [--pages 50]
//
// (apt-get install python3.11-doc wget; build the jar first: mvn -B clean package -DskipTests.)
// Serves the site from 127.0.0.1:0, archives the pages with the real service jar, writes the same
// pages with `wget --page-requisites --convert-links`, screenshots every page live and replayed in
// Chromium, stops the origin before replay and records every request the replays make. Prints:
// pages captured per second, archive bytes vs wget bytes, requests that left the archive, and the
// share of identical pixels live vs replay (against the live page with and without JavaScript).

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO, launchChromium, startArchive, staticServer } from '../../e2e/replay-world.mjs';

const run = promisify(execFile);
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const ROOT = path.resolve(args.root || '/usr/share/doc/python3.11/html');
const PAGES = Number(args.pages || 50);
const WIDTH = 1280;
const MAX_HEIGHT = 6000; // compared from the top of each page; Chromium's textures stop at 16384 px
const OUT = path.join(REPO, 'test-artifacts', 'fidelity');

/** A fixed, varied choice: tutorial and how-to pages, library pages with figures, then alphabetical. */
function choosePages() {
  if (!existsSync(ROOT)) throw new Error(`no documentation at ${ROOT}: apt-get install python3.11-doc (or pass --root DIR)`);
  const list = (dir) => (existsSync(path.join(ROOT, dir)) ? readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.html')).sort().map((f) => path.posix.join(dir, f)) : []);
  const preferred = [...list('tutorial'), ...list('howto'), 'library/hashlib.html', 'library/pathlib.html', 'library/turtle.html',
    'library/tkinter.messagebox.html', 'library/functions.html', 'library/json.html', 'library/re.html', 'library/datetime.html',
    'index.html', 'glossary.html', 'library/index.html'];
  const all = [...preferred, ...list('library'), ...list('.')].filter((p) => existsSync(path.join(ROOT, p)));
  return [...new Set(all)].slice(0, PAGES);
}

function duBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? duBytes(p) : statSync(p).size;
  }
  return total;
}

/** Screenshot of the top of the page, at most MAX_HEIGHT px, as PNG bytes. */
async function shoot(page) {
  // Measure at a fixed viewport: a page at least as tall as its viewport (height: 100%) would keep
  // the height of whatever was shot before it.
  await page.setViewportSize({ width: WIDTH, height: 800 });
  const height = Math.min(MAX_HEIGHT, await page.evaluate(() => document.documentElement.scrollHeight));
  await page.setViewportSize({ width: WIDTH, height });
  return page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' });
}

/** Identical pixels / pixels of the larger image, decoded and compared in a blank browser page. */
async function identicalShare(cmp, a, b) {
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
      g.fillStyle = '#ff00ff'; // outside an image's size counts as different
      g.fillRect(0, 0, w, h);
      g.drawImage(img, 0, 0);
      return new Uint32Array(g.getImageData(0, 0, w, h).data.buffer);
    };
    const pa = pixels(ia);
    const pb = pixels(ib);
    let same = 0;
    for (let i = 0; i < pa.length; i++) if (pa[i] === pb[i]) same++;
    return same / pa.length;
  }, [a.toString('base64'), b.toString('base64')]);
}

const pct = (x) => `${(100 * x).toFixed(2)}%`;
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;

async function main() {
  mkdirSync(OUT, { recursive: true });
  const pages = choosePages();
  const origin = await staticServer(ROOT);
  const svc = await startArchive();
  const browser = await launchChromium();
  const work = mkdtempSync(path.join(tmpdir(), 'pagekeep-fidelity-'));
  try {
    const urls = pages.map((p) => origin.url(`/${p}`));

    // 1. Capture rate: one request with every URL, until the last save is done.
    const t0 = process.hrtime.bigint();
    await svc.archive(urls, { timeoutMs: 600000 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const stats = (await svc.api('GET', '/api/stats')).json;

    // 2. wget on the same pages, same origin.
    const wgetDir = path.join(work, 'wget');
    writeFileSync(path.join(work, 'urls.txt'), `${urls.join('\n')}\n`);
    const w0 = process.hrtime.bigint();
    await run('wget', ['--page-requisites', '--convert-links', '--no-verbose', '-e', 'robots=off', '-P', wgetDir, '-i', path.join(work, 'urls.txt')],
      { maxBuffer: 64 * 1024 * 1024 }).catch((e) => { if (!existsSync(wgetDir)) throw e; }); // exit 8 on a missing requisite
    const wgetSeconds = Number(process.hrtime.bigint() - w0) / 1e9;
    const wgetBytes = duBytes(wgetDir);

    // 3. Live screenshots (origin up), with and without JavaScript.
    const live = { js: [], nojs: [] };
    for (const [kind, javaScriptEnabled] of [['js', true], ['nojs', false]]) {
      const ctx = await browser.newContext({ viewport: { width: WIDTH, height: 800 }, javaScriptEnabled });
      const page = await ctx.newPage();
      for (const u of urls) {
        await page.goto(u, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        live[kind].push(await shoot(page));
      }
      await ctx.close();
    }

    // 4. Replay with the origin gone; every request recorded.
    await origin.close();
    const ctx = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
    await svc.login(ctx);
    const requests = [];
    ctx.on('request', (r) => requests.push(r.url()));
    const failed = [];
    ctx.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    const page = await ctx.newPage();
    const cmp = await (await browser.newContext()).newPage();
    const rows = [];
    for (let i = 0; i < urls.length; i++) {
      const resp = await page.goto(`${svc.base}/web/${urls[i]}`, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      const asSeen = await shoot(page);
      // The content alone: without pagekeep's banner and its marks on links that leave the archive.
      await page.addStyleTag({ content: '#pagekeep-banner{display:none!important}a[data-pagekeep-live]::after{content:none!important}' });
      const replay = await shoot(page);
      const broken = await page.evaluate(() => [...document.images].filter((im) => im.complete && im.naturalWidth === 0).length);
      const row = {
        page: pages[i], status: resp.status(), brokenImages: broken,
        vsLiveJs: await identicalShare(cmp, live.js[i], replay),
        vsLiveNoJs: await identicalShare(cmp, live.nojs[i], replay),
        withBannerVsLiveJs: await identicalShare(cmp, live.js[i], asSeen),
      };
      rows.push(row);
      if (i < 3 || row.vsLiveNoJs < 0.99) {
        const slug = pages[i].replace(/[^a-z0-9]+/gi, '_');
        writeFileSync(path.join(OUT, `${slug}.live.png`), live.js[i]);
        writeFileSync(path.join(OUT, `${slug}.replay.png`), replay);
      }
    }
    const leaks = requests.filter((u) => !u.startsWith(`${svc.base}/`) && !/^(data|blob|about):/.test(u));
    const mean = (k) => rows.reduce((s, r) => s + r[k], 0) / rows.length;
    const min = (k) => rows.reduce((m, r) => (r[k] < m[k] ? r : m));

    const report = {
      site: ROOT, pages: pages.length, captureSeconds: seconds, pagesPerSecond: pages.length / seconds,
      archive: { logical: stats.bytes.logical, stored: stats.bytes.stored, blobs: stats.bytes.blobs, dataDir: duBytes(svc.data) },
      wget: { bytes: wgetBytes, seconds: wgetSeconds },
      replay: { requests: requests.length, leftTheArchive: leaks.length, errors: failed.length, brokenImages: rows.reduce((s, r) => s + r.brokenImages, 0) },
      pixels: { vsLiveJs: mean('vsLiveJs'), vsLiveNoJs: mean('vsLiveNoJs'), withBannerVsLiveJs: mean('withBannerVsLiveJs'),
        identicalPagesVsLiveNoJs: rows.filter((r) => r.vsLiveNoJs === 1).length,
        worstVsLiveJs: { page: min('vsLiveJs').page, share: min('vsLiveJs').vsLiveJs } },
      rows, leaks: leaks.slice(0, 20), errors: [...new Set(failed)].slice(0, 20),
    };
    writeFileSync(path.join(OUT, 'report.json'), JSON.stringify(report, null, 2));

    console.log(`site                  ${ROOT} (${pages.length} pages, served from 127.0.0.1)`);
    console.log(`capture               ${seconds.toFixed(2)} s: ${report.pagesPerSecond.toFixed(1)} pages/s (one POST, until the last save is done)`);
    console.log(`archive bytes         stored ${mb(stats.bytes.stored)} in ${stats.bytes.blobs} blobs (logical ${mb(stats.bytes.logical)}); data dir on disk ${mb(report.archive.dataDir)}`);
    console.log(`wget -p -k bytes      ${mb(wgetBytes)} (${wgetSeconds.toFixed(2)} s); archive stored / wget = ${(stats.bytes.stored / wgetBytes).toFixed(2)}`);
    console.log(`replay requests       ${requests.length}, outside the archive: ${leaks.length}, answered >= 400: ${failed.length}, broken images: ${report.replay.brokenImages}`);
    console.log(`identical pixels      vs live (JS on) ${pct(report.pixels.vsLiveJs)}, vs live (JS off) ${pct(report.pixels.vsLiveNoJs)}, `
      + `pages pixel-identical to live (JS off): ${report.pixels.identicalPagesVsLiveNoJs}/${rows.length}`);
    console.log(`                      with the banner shown: ${pct(report.pixels.withBannerVsLiveJs)} (it shifts the page down); worst page vs JS on: ${report.pixels.worstVsLiveJs.page} ${pct(report.pixels.worstVsLiveJs.share)}`);
    console.log(`details               ${path.relative(REPO, path.join(OUT, 'report.json'))}`);
    if (leaks.length) console.log(`LEAKS: ${leaks.slice(0, 5).join(' ')}`);
    if (leaks.length) process.exitCode = 1;
  } finally {
    await browser.close();
    await svc.stop();
    await origin.close().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`fidelity benchmark failed: ${e.message.split('\n')[0]}`);
  process.exit(1);
});
