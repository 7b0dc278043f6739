#!/usr/bin/env node
// Replay fidelity on a real documentation site, measured as the user sees the replay:
//
//   node bench/fidelity/run.mjs [--root /usr/share/doc/python3.11/html] [--pages 50] [--mode server|toolbar]
//
// (apt-get install python3.11-doc wget; build the jar first: mvn -B clean package -DskipTests;
// PAGEKEEP_JAR=old.jar measures another build.) Serves the site from 127.0.0.1:0 and archives its
// pages with the real service jar:
//   --mode server   (default) one POST /api/saves with every URL, the service fetches the pages;
//                   also writes the same pages with `wget --page-requisites --convert-links`.
//   --mode toolbar  each page opened in a tab of a Chromium that has the real extension loaded
//                   (host installed with install-host --user-data-dir), saved with the toolbar
//                   handler self.pagekeep.onActionClicked(tab), waited until the save is done.
// Every page is screenshot live (width 1280, height = its scrollHeight, at most 6000 px; JS on, and
// JS off as a second column in server mode), then, with the origin stopped, replayed at /web/{url}:
// the framed replay page (banner + #pagekeep-frame) in a window whose frame viewport is exactly as
// tall as the live screenshot, shot whole, banner included. An older replay without the frame (the
// banner inline at the top of the page) is shot at the page's full height instead. Pixels are
// compared at the best vertical alignment of the live image within the replay screenshot:
//   screen = identical pixels / all pixels of the replay screenshot (the banner counts as different)
//   page   = identical pixels / pixels below the banner
// Prints the means, the worst page and why (the bands of rows where the differences are), requests
// that left the archive, archive answers >= 400 and broken images; writes live, replay and diff
// (differing pixels red) PNGs of the first 3 and the worst pages, and report.json, under
// test-artifacts/fidelity/<site>[-toolbar]/.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO, launchChromium, startArchive, staticServer } from '../../e2e/harness.mjs';
import { decodePng, encodePng } from './png.mjs';

const run = promisify(execFile);
const USAGE = 'usage: node bench/fidelity/run.mjs [--root DIR] [--pages N] [--mode server|toolbar] [--site NAME]';
const args = parseArgs(process.argv.slice(2));
const ROOT = path.resolve(args.root || '/usr/share/doc/python3.11/html');
const PAGES = Number(args.pages || 50);
const MODE = args.mode || 'server';
const WIDTH = 1280;
const MAX_HEIGHT = 6000; // compared from the top of each page; Chromium's textures stop at 16384 px
const MAX_SHIFT = 64; // the live image is searched at offsets 0..banner+MAX_SHIFT of the replay screenshot
const SITE = args.site || siteName(ROOT);
const OUT = path.join(REPO, 'test-artifacts', 'fidelity', MODE === 'toolbar' ? `${SITE}-toolbar` : SITE);

function parseArgs(argv) {
  const known = new Set(['root', 'pages', 'mode', 'site']);
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--') || !known.has(k) || argv[i + 1] === undefined) {
      console.error(`bad argument ${argv[i]}: ${USAGE}`);
      process.exit(2);
    }
    out[k] = argv[i + 1];
  }
  if (out.mode && !['server', 'toolbar'].includes(out.mode)) {
    console.error(`--mode must be server or toolbar, not ${out.mode}`);
    process.exit(2);
  }
  if (out.pages && !(Number(out.pages) > 0)) {
    console.error(`--pages must be a positive number, not ${out.pages}`);
    process.exit(2);
  }
  return out;
}

/** /usr/share/doc/python3.11/html -> python3.11 */
function siteName(root) {
  const parts = root.split(path.sep).filter(Boolean);
  const last = parts[parts.length - 1] || 'site';
  return (['html', 'doc', 'docs', 'api'].includes(last) && parts.length > 1 ? parts[parts.length - 2] : last).replace(/[^a-z0-9._-]+/gi, '_');
}

/** A fixed, varied choice: for the Python docs tutorial and how-to pages first; elsewhere index first, then alphabetical. */
function choosePages() {
  if (!existsSync(ROOT)) throw new Error(`no documentation at ${ROOT}: apt-get install python3.11-doc (or pass --root DIR)`);
  const list = (dir) => (existsSync(path.join(ROOT, dir)) && statSync(path.join(ROOT, dir)).isDirectory()
    ? readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.html')).sort().map((f) => path.posix.join(dir, f)) : []);
  const skip = (p) => /(^|\/)(genindex[^/]*|search|py-modindex|footer)\.html$/.test(p);
  const subdirs = readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('_') && e.name !== 'search')
    .map((e) => e.name).sort();
  const preferred = [...list('tutorial'), ...list('howto'), 'library/hashlib.html', 'library/pathlib.html', 'library/turtle.html',
    'library/tkinter.messagebox.html', 'library/functions.html', 'library/json.html', 'library/re.html', 'library/datetime.html',
    'index.html', 'glossary.html', 'library/index.html'];
  const all = [...preferred, ...list('library'), ...list('.'), ...subdirs.flatMap(list)].filter((p) => existsSync(path.join(ROOT, p)) && !skip(p));
  const pages = [...new Set(all)].slice(0, PAGES);
  if (pages.length === 0) throw new Error(`no .html pages under ${ROOT}`);
  return pages;
}

function duBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? duBytes(p) : statSync(p).size;
  }
  return total;
}

/** Live screenshot: width 1280, height = the page's scrollHeight (at most MAX_HEIGHT), as PNG bytes. */
async function shootLive(page) {
  // Measure at a fixed viewport: a page at least as tall as its viewport (height: 100%) would keep
  // the height of whatever was shot before it.
  await page.setViewportSize({ width: WIDTH, height: 800 });
  const fullHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  const height = Math.min(MAX_HEIGHT, fullHeight);
  await page.setViewportSize({ width: WIDTH, height });
  const png = await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' });
  await page.setViewportSize({ width: WIDTH, height: 800 });
  return { png, height, fullHeight };
}

/**
 * The replay as the user sees it. Framed replay (#pagekeep-frame): the window is banner + live
 * height tall, so the frame's viewport is exactly the live screenshot's height; the whole window is
 * shot. Old inline replay: the page at its full height (at most banner + MAX_HEIGHT).
 */
async function shootReplay(page, url, liveHeight) {
  await page.setViewportSize({ width: WIDTH, height: 800 });
  const resp = await page.goto(url, { waitUntil: 'load' });
  const bannerHeight = () => page.evaluate(() => {
    const b = document.getElementById('pagekeep-banner');
    if (!b) return 0;
    const r = b.getBoundingClientRect();
    return Math.round(r.bottom + window.scrollY);
  });
  const frameEl = await page.$('#pagekeep-frame');
  let banner = await bannerHeight();
  const frame = frameEl ? await frameEl.contentFrame() : page.mainFrame();
  if (!frame) throw new Error(`no content frame in ${url}`);
  await frame.waitForLoadState('load');
  await frame.evaluate(() => document.fonts.ready);
  // The content's height at the same 800 px window the live page was measured at.
  const [contentHeight, measuredIn] = await frame.evaluate(() => [document.documentElement.scrollHeight, window.innerHeight]);
  let height;
  if (frameEl) {
    height = banner + liveHeight;
    await page.setViewportSize({ width: WIDTH, height });
    const b2 = await bannerHeight();
    if (b2 !== banner) { banner = b2; height = banner + liveHeight; await page.setViewportSize({ width: WIDTH, height }); }
    await frame.evaluate(() => document.fonts.ready);
  } else {
    height = Math.min(contentHeight, banner + MAX_HEIGHT);
    await page.setViewportSize({ width: WIDTH, height });
  }
  const png = await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' });
  const content = await frame.evaluate(([h, v]) => ({
    scrollHeight: h, short: h <= v, // no taller than the window it was measured in
    brokenImages: [...document.images].filter((im) => im.complete && im.naturalWidth === 0).map((im) => im.getAttribute('src')),
  }), [contentHeight, measuredIn]);
  return { png, status: resp ? resp.status() : 0, framed: Boolean(frameEl), banner, height, frame, content };
}

/** One hash per row of the first w pixels (FNV-1a over the pixel words). */
function rowHashes(img, w) {
  const out = new Int32Array(img.h);
  for (let y = 0; y < img.h; y++) {
    let h = 0x811c9dc5;
    for (let x = 0, i = y * img.w; x < w; x++, i++) h = Math.imul(h ^ img.px[i], 16777619);
    out[y] = h;
  }
  return out;
}

/**
 * Finds the vertical offset d (0..banner+MAX_SHIFT) of the live image L in the replay screenshot R
 * that makes the most pixels identical (row hashes pick candidate offsets, pixels decide), and
 * returns the counts, the bands of rows that differ most and, on request, a diff image (differing
 * pixels red, the rest faded). Rows of R above the banner and outside L never count as identical.
 */
function compare(L, R, banner, withDiff = false) {
  const w = Math.min(L.w, R.w);
  const B = Math.min(banner, R.h);
  const hL = rowHashes(L, w);
  const hR = rowHashes(R, w);
  const maxD = Math.min(B + MAX_SHIFT, R.h - 1);
  const candidates = [];
  for (let d = 0; d <= maxD; d++) {
    let rows = 0;
    for (let y = Math.max(B, d); y < Math.min(R.h, d + L.h); y++) if (hR[y] === hL[y - d]) rows++;
    candidates.push({ d, rows });
  }
  candidates.sort((p, q) => q.rows - p.rows || Math.abs(p.d - B) - Math.abs(q.d - B));
  const tried = [...new Set([...candidates.slice(0, 4).map((c) => c.d), B])];
  const sameRow = (y, d) => {
    const ly = y - d;
    if (y < B || ly < 0 || ly >= L.h) return 0;
    if (hR[y] === hL[ly] && L.w === R.w) return w; // equal 32-bit hashes of 1280 pixels: the same row
    let s = 0;
    for (let x = 0, i = y * R.w, j = ly * L.w; x < w; x++, i++, j++) if (R.px[i] === L.px[j]) s++;
    return s;
  };
  let best = { d: B, same: -1 };
  for (const d of tried) {
    let same = 0;
    for (let y = B; y < R.h; y++) same += sameRow(y, d);
    if (same > best.same || (same === best.same && Math.abs(d - B) < Math.abs(best.d - B))) best = { d, same };
  }
  const differs = (x, y) => {
    const ly = y - best.d;
    return y < B || ly < 0 || ly >= L.h || x >= L.w || R.px[y * R.w + x] !== L.px[ly * L.w + x];
  };
  // Rows that differ at the best offset, grouped into bands (gaps up to 8 rows joined).
  const bands = [];
  let cur = null;
  for (let y = B; y < R.h; y++) {
    const diff = R.w - sameRow(y, best.d);
    if (diff > 0) {
      if (cur && y - cur.y1 <= 8) { cur.y1 = y; cur.pixels += diff; } else { cur = { y0: y, y1: y, pixels: diff }; bands.push(cur); }
    }
  }
  const xRange = (band) => { // where in the band the differences are, horizontally
    let x0 = R.w; let x1 = 0;
    for (let y = band.y0; y <= band.y1; y += Math.max(1, Math.floor((band.y1 - band.y0) / 40))) {
      for (let x = 0; x < R.w; x++) if (differs(x, y)) { if (x < x0) x0 = x; if (x > x1) x1 = x; }
    }
    return { x0, x1 };
  };
  const top = bands.sort((p, q) => q.pixels - p.pixels).slice(0, 4).map((band) => ({ ...band, ...xRange(band) }));
  let diffPng = null;
  if (withDiff) {
    const out = new Uint32Array(R.w * R.h);
    for (let y = 0; y < R.h; y++) {
      for (let x = 0; x < R.w; x++) {
        const i = y * R.w + x;
        if (differs(x, y)) { out[i] = 0xff0000ff; continue; } // red, opaque (RGBA bytes, little-endian)
        const p = R.px[i]; // faded: 30 % of the pixel over white
        const f = (s) => 178 + Math.round(((p >>> s) & 255) * 0.3);
        out[i] = ((0xff << 24) | (f(16) << 16) | (f(8) << 8) | f(0)) >>> 0;
      }
    }
    diffPng = encodePng(R.w, R.h, out);
  }
  return {
    offset: best.d, same: best.same, screen: best.same / (R.w * R.h), page: R.h > B ? best.same / (R.w * (R.h - B)) : 0,
    liveHeight: L.h, replayHeight: R.h, bands: top, diffPng,
  };
}

/** What the replay shows at the middle of a band (in the content frame's coordinates). */
async function describeBand(shot, band) {
  const y = Math.round((band.y0 + band.y1) / 2) - (shot.framed ? shot.banner : 0);
  const x = Math.round((band.x0 + band.x1) / 2);
  try {
    return await shot.frame.evaluate(([px, py]) => {
      const el = document.elementFromPoint(px, py);
      if (!el) return '';
      const name = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (typeof e.className === 'string' && e.className.trim() ? `.${e.className.trim().split(/\s+/).slice(0, 2).join('.')}` : '');
      const chain = [];
      for (let e = el; e && e !== document.body && chain.length < 3; e = e.parentElement) chain.unshift(name(e));
      const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
      return `${chain.join(' > ')}${text ? ` "${text}"` : ''}`;
    }, [x, y]);
  } catch {
    return ''; // the frame went away; the band itself still says where
  }
}

/** One line saying why a page scores what it does. */
function reasonOf(row) {
  const c = row.js;
  const parts = [];
  const shift = c.offset - row.banner;
  if (shift !== 0) parts.push(`content ${Math.abs(shift)} px ${shift > 0 ? 'lower' : 'higher'} than right below the banner`);
  if (row.replayContentHeight !== row.liveFullHeight && !(row.replayShort && row.liveFullHeight <= 800)) parts.push(`document ${row.replayContentHeight} px tall in the replay vs ${row.liveFullHeight} px live`);
  if (row.framed === false && row.banner > 0) parts.push(`inline banner ${row.banner} px`);
  for (const band of c.bands.slice(0, 2)) {
    parts.push(`${band.pixels} px differ at y ${band.y0}-${band.y1}, x ${band.x0}-${band.x1}${band.at ? ` (${band.at})` : ''}`);
  }
  if (row.brokenImages.length) parts.push(`${row.brokenImages.length} broken image(s): ${row.brokenImages.slice(0, 2).join(' ')}`);
  if (c.page === 1) parts.push(`identical below the banner; the banner is ${row.banner} of the ${c.replayHeight} rows`);
  return parts.join('; ');
}

const pct = (x) => `${(100 * x).toFixed(2)}%`;
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
function percentile(values, p) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Replays every page in `context` (`base`: the replay origin under a capability,
 * http://localhost:PORT/c/{capability}), compares it with the live
 * screenshots, and writes the artifacts. Returns rows and the request figures.
 */
async function replayAndCompare({ context, base, urls, pages, live }) {
  const page = await context.newPage();
  const requests = [];
  const failed = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  const rows = [];
  const shots = [];
  for (let i = 0; i < urls.length; i++) {
    const t0 = performance.now();
    const shot = await shootReplay(page, `${base}/web/${urls[i]}`, live.js[i].height);
    const t1 = performance.now();
    const R = decodePng(shot.png);
    const js = compare(decodePng(live.js[i].png), R, shot.banner);
    for (const band of js.bands.slice(0, 2)) band.at = await describeBand(shot, band);
    let nojs = null;
    if (live.nojs) {
      // The JS-off figure in a window whose frame is as tall as the JS-off live screenshot.
      let R2 = R;
      if (shot.framed && live.nojs[i].height !== live.js[i].height) {
        await page.setViewportSize({ width: WIDTH, height: shot.banner + live.nojs[i].height });
        await shot.frame.evaluate(() => document.fonts.ready);
        R2 = decodePng(await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' }));
      }
      nojs = compare(decodePng(live.nojs[i].png), R2, shot.banner);
    }
    if (process.env.FIDELITY_TIMING) console.log(`replay ${(t1 - t0).toFixed(0)} ms, compare ${(performance.now() - t1).toFixed(0)} ms`);
    const row = {
      page: pages[i], status: shot.status, framed: shot.framed, banner: shot.banner, replayHeight: shot.height,
      liveHeight: live.js[i].height, liveFullHeight: live.js[i].fullHeight, replayContentHeight: shot.content.scrollHeight - (shot.framed ? 0 : shot.banner),
      replayShort: shot.content.short, brokenImages: shot.content.brokenImages,
      js: { ...js, diffPng: undefined }, nojs: nojs && { ...nojs, diffPng: undefined },
    };
    row.reason = reasonOf(row);
    rows.push(row);
    shots.push(shot.png);
    process.stdout.write(`  ${String(i + 1).padStart(3)}/${urls.length} screen ${pct(js.screen)} page ${pct(js.page)}  ${pages[i]}\n`);
  }
  // Artifacts: the first 3 and the 5 worst pages (by `screen`, JS on).
  const worst = [...rows.keys()].sort((a, b) => rows[a].js.screen - rows[b].js.screen).slice(0, 5);
  for (const i of new Set([0, 1, 2, ...worst].filter((k) => k < rows.length))) {
    const slug = pages[i].replace(/[^a-z0-9]+/gi, '_');
    const d = compare(decodePng(live.js[i].png), decodePng(shots[i]), rows[i].banner, true);
    writeFileSync(path.join(OUT, `${slug}.live.png`), live.js[i].png);
    writeFileSync(path.join(OUT, `${slug}.replay.png`), shots[i]);
    writeFileSync(path.join(OUT, `${slug}.diff.png`), d.diffPng);
    rows[i].artifacts = `${slug}.{live,replay,diff}.png`;
  }
  await page.close();
  const leaks = requests.filter((u) => !u.startsWith(`${new URL(base).origin}/`) && !/^(data|blob|about):/.test(u));
  return { rows, requests, leaks, failed };
}

function summary(rows, key) {
  const have = rows.filter((r) => r[key]);
  if (!have.length) return null;
  const worst = have.reduce((m, r) => (r[key].screen < m[key].screen ? r : m));
  const worstPage = have.reduce((m, r) => (r[key].page < m[key].page ? r : m));
  return {
    screen: mean(have.map((r) => r[key].screen)), page: mean(have.map((r) => r[key].page)),
    worstScreen: { page: worst.page, share: worst[key].screen },
    worstPage: { page: worstPage.page, share: worstPage[key].page },
    identicalBelowBanner: have.filter((r) => r[key].page === 1).length,
  };
}

function print(report) {
  const { replay, pixels } = report;
  console.log(`site                  ${report.site} (${report.pages} pages, served from 127.0.0.1), mode ${report.mode}, jar ${report.jar}`);
  if (report.mode === 'server') {
    console.log(`capture               ${report.captureSeconds.toFixed(2)} s: ${report.pagesPerSecond.toFixed(1)} pages/s (one POST, until the last save is done)`);
  } else {
    const t = report.clickToArchived;
    console.log(`click -> archived     p50 ${t.p50} ms, p95 ${t.p95} ms, max ${t.max} ms over ${t.n} clicks (first click, which starts the host and the service: ${t.first} ms, not counted)`);
  }
  const a = report.archive;
  console.log(`archive bytes         stored ${mb(a.stored)} in ${a.blobs} blobs (logical ${mb(a.logical)})`);
  if (report.wget) console.log(`wget -p -k bytes      ${mb(report.wget.bytes)} (${report.wget.seconds.toFixed(2)} s); archive stored / wget = ${(a.stored / report.wget.bytes).toFixed(2)}`);
  console.log(`replay                ${report.framed ? 'framed (banner + #pagekeep-frame)' : 'inline banner (no #pagekeep-frame)'}, banner ${report.bannerHeights.join('/')} px`);
  console.log(`replay requests       ${replay.requests}, outside the archive: ${replay.leftTheArchive}, answered >= 400: ${replay.errors}, broken images: ${replay.brokenImages}`);
  for (const [key, label] of [['js', 'vs live, JS on '], ['nojs', 'vs live, JS off']]) {
    const s = pixels[key];
    if (!s) continue;
    console.log(`identical pixels      ${label}: screen ${pct(s.screen)} (worst ${pct(s.worstScreen.share)} ${s.worstScreen.page}), `
      + `page ${pct(s.page)} (worst ${pct(s.worstPage.share)} ${s.worstPage.page}), identical below the banner: ${s.identicalBelowBanner}/${report.pages}`);
  }
  const w = report.rows.find((r) => r.page === pixels.js.worstScreen.page);
  console.log(`worst page            ${w.page}: screen ${pct(w.js.screen)}, page ${pct(w.js.page)}, offset ${w.js.offset} (banner ${w.banner})`);
  console.log(`  why                 ${w.reason}`);
  console.log(`details               ${path.relative(REPO, path.join(OUT, 'report.json'))} and the PNGs beside it`);
  if (report.leaks.length) console.log(`LEAKS: ${report.leaks.slice(0, 5).join(' ')}`);
  if (report.errors.length) console.log(`ERRORS: ${report.errors.slice(0, 5).join(' ')}`);
}

function finish(report) {
  writeFileSync(path.join(OUT, 'report.json'), JSON.stringify(report, null, 2));
  print(report);
  if (report.leaks.length) process.exitCode = 1;
}

function baseReport(pages, rr, extra) {
  return {
    site: ROOT, pages: pages.length, mode: MODE, jar: process.env.PAGEKEEP_JAR || 'server/target/pagekeep.jar',
    framed: rr.rows.every((r) => r.framed), bannerHeights: [...new Set(rr.rows.map((r) => r.banner))],
    ...extra,
    replay: { requests: rr.requests.length, leftTheArchive: rr.leaks.length, errors: rr.failed.length, brokenImages: rr.rows.reduce((s, r) => s + r.brokenImages.length, 0) },
    pixels: { js: summary(rr.rows, 'js'), nojs: summary(rr.rows, 'nojs') },
    rows: rr.rows, leaks: rr.leaks.slice(0, 20), errors: [...new Set(rr.failed)].slice(0, 20),
  };
}

async function serverMode(pages) {
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
        live[kind].push(await shootLive(page));
      }
      await ctx.close();
    }
    console.log(`captured ${urls.length} pages in ${seconds.toFixed(1)} s; live screenshots taken; replaying with the origin stopped`);

    // 4. Replay with the origin gone.
    await origin.close();
    const ctx = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
    await svc.login(ctx);
    const replayBase = (await svc.api('POST', '/api/replay-links', {})).json.base;
    const rr = await replayAndCompare({ context: ctx, base: replayBase, urls, pages, live });
    await ctx.close();
    finish(baseReport(pages, rr, {
      captureSeconds: seconds, pagesPerSecond: pages.length / seconds,
      archive: { logical: stats.bytes.logical, stored: stats.bytes.stored, blobs: stats.bytes.blobs, dataDir: duBytes(svc.data) },
      wget: { bytes: wgetBytes, seconds: wgetSeconds },
    }));
  } finally {
    await browser.close();
    await svc.stop();
    await origin.close().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  }
}

async function toolbarMode(pages) {
  const { startWorld, clickToolbar, api } = await import('../../e2e/harness.mjs');
  const origin = await staticServer(ROOT);
  const world = await startWorld({ installHost: true });
  try {
    const urls = pages.map((p) => origin.url(`/${p}`));
    const live = { js: [] };
    const clicks = [];
    for (let i = 0; i < urls.length; i++) {
      const tab = await world.context.newPage();
      await tab.setViewportSize({ width: WIDTH, height: 800 });
      await tab.goto(urls[i], { waitUntil: 'load' });
      await tab.evaluate(() => document.fonts.ready);
      await tab.waitForLoadState('networkidle').catch(() => {});
      live.js.push(await shootLive(tab)); // leaves the tab at 1280 x 800, as a user's window
      const tabId = await world.evaluate(async (u) => {
        const tabs = await chrome.tabs.query({});
        const t = tabs.find((x) => x.url === u);
        return t ? t.id : null;
      }, urls[i]);
      if (tabId === null) throw new Error(`no tab shows ${urls[i]}`);
      const t0 = performance.now();
      const result = await clickToolbar(world, tabId);
      if (result.state !== 'queued' || !result.saves || !result.saves[0]) throw new Error(`toolbar save of ${urls[i]} did not queue: ${JSON.stringify(result)}`);
      const id = result.saves[0].id;
      const deadline = Date.now() + 120000;
      for (;;) {
        const s = (await api(world.data, 'GET', `/api/saves/${id}`)).json();
        if (s.state === 'done') break;
        if (s.state === 'failed') throw new Error(`toolbar save of ${urls[i]} failed: ${s.error}`);
        if (Date.now() > deadline) throw new Error(`toolbar save of ${urls[i]} still ${s.state} after 120 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      clicks.push(performance.now() - t0);
      await tab.close();
      process.stdout.write(`  ${String(i + 1).padStart(3)}/${urls.length} archived in ${clicks[i].toFixed(0)} ms  ${pages[i]}\n`);
    }
    const stats = (await api(world.data, 'GET', '/api/stats')).json();

    // Replay in the same browser (same rendering as the tab), origin gone, with a login session.
    await origin.close();
    const link = (await api(world.data, 'POST', '/api/login-links')).json().url;
    const login = await world.context.newPage();
    await login.goto(link);
    await login.close();
    const replayBase = (await api(world.data, 'POST', '/api/replay-links', {})).json().base;
    const rr = await replayAndCompare({ context: world.context, base: replayBase, urls, pages, live });
    const warm = clicks.slice(1);
    finish(baseReport(pages, rr, {
      clickToArchived: warm.length
        ? { n: warm.length, p50: Math.round(percentile(warm, 50)), p95: Math.round(percentile(warm, 95)), max: Math.round(Math.max(...warm)), first: Math.round(clicks[0]) }
        : { n: 0, p50: NaN, p95: NaN, max: NaN, first: Math.round(clicks[0]) },
      archive: { logical: stats.bytes.logical, stored: stats.bytes.stored, blobs: stats.bytes.blobs },
    }));
  } finally {
    await world.close();
    await origin.close().catch(() => {});
  }
}

async function main() {
  const pages = choosePages();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  if (MODE === 'toolbar') await toolbarMode(pages);
  else await serverMode(pages);
}

main().catch((e) => {
  console.error(`fidelity benchmark failed: ${e.message.split('\n')[0]}`);
  process.exit(1);
});
