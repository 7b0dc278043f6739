// The hostile-page corpus of issue 18 in a real Chromium: each vector is archived by the real service
// jar from an origin on 127.0.0.1, the origin is stopped, and its replay is opened by a browser that is
// logged in to pagekeep. Every vector tries to reach the API, the login page or the origin, to run a
// script or to move the window; none may: 0 requests to /api/ or /login, 0 requests outside the
// archive, 0 scripts run (dialogs, requests), 0 navigations without a click.
// server/src/test/java/dev/pagekeep/capture/HostilePagesTest.java checks the same vectors in Java.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchChromium, startArchive, staticServer, SITE_FIXTURE, teardown } from './harness.mjs';

function vectors(origin, archive) {
  const ran = (what) => `${origin}/ran/${what}`;
  const api = `${archive}/api/stats`;
  return {
    'mxss-mglyph-style': `<math><mtext><table><mglyph><style><img src=x onerror="fetch('${ran('mglyph-onerror')}')">`
      + `<meta http-equiv=refresh content="0;url=${ran('mglyph-refresh')}"><iframe src="${archive}/api/export"></iframe></style>`,
    'mxss-mglyph-comment': `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=fetch('${ran('comment')}')&gt;">`,
    'mxss-form-math': `<form><math><mtext></form><form><mglyph><style></math><img src onerror="fetch('${ran('form-math')}')">`,
    'svg-style-markup': `<svg><style><img src=x onerror="fetch('${ran('svg-style')}')"></style></svg>`,
    'svg-style-breakout': `<svg></p><style><a id="</style><img src=1 onerror=fetch('${ran('svg-breakout')}')>">`,
    'svg-cdata': `<svg><![CDATA[</svg><img src=x onerror="fetch('${ran('cdata')}')">]]></svg>`,
    'noscript-attribute': `<noscript><p title="</noscript><img src=x onerror=fetch('${ran('noscript')}')>"></noscript>`,
    'template-shadow-root': `<div><template shadowrootmode=open><img src="${api}"><style>@import '${ran('shadow-import')}';</style></template></div>`,
    'xhtml-meta-in-svg': `<svg xmlns:h="http://www.w3.org/1999/xhtml"><h:meta http-equiv="refresh" content="0;url=${ran('h-meta')}"/></svg>`,
    'meta-refresh': `<meta http-equiv="Refresh" content="0;url=${ran('meta-refresh')}">`,
    'table-backgrounds': `<table background="${archive}/api/export?format=warc"><tbody background="${archive}/api/export?format=warc">`
      + `<tr background="${api}"><td background="${ran('td-bg')}">x</td></tr></tbody></table>`,
    'svg-url-attributes': `<svg width=50 height=50><rect width=50 height=50 fill="url(${api}#f)" stroke="url(${ran('stroke')}#s)"`
      + ` mask="url(${archive}/api/export#m)" filter="url(${ran('filter')}#f)" clip-path="url(${api}#c)"/></svg>`,
    'image-set': `<div style='width:50px;height:50px;background-image: image-set("${api}" 1x, "${ran('image-set')}" 2x)'>i</div>`
      + `<style>.a{background:-webkit-image-set("${archive}/login?token=x" 1x)}</style><p class=a>a</p>`,
    'escaped-url': `<div style="width:50px;height:50px;background: u\\72l(${api})">e</div>`
      + `<style>.b{background:\\75rl(${ran('escaped')})}</style><p class=b>b</p>`,
    'import-strings': `<style>@import "${api}"; @import '${ran('import')}'; @\\69mport "${archive}/api/export";</style>`,
    'legacy-url-attributes': `<video poster="${ran('poster')}" src="${api}"></video>`
      + `<img src="/static/img/logo.png" lowsrc="${ran('lowsrc')}" dynsrc="${api}" longdesc="${ran('longdesc')}" attributionsrc="${ran('attributionsrc')}">`,
    'xlink-everywhere': `<svg><use xlink:href="${api}#u"/><image width=10 height=10 xlink:href="${ran('image')}"/>`
      + `<filter id=f><feImage xlink:href="${api}"/></filter><rect width=10 height=10 filter="url(#f)"/></svg>`,
    'base-and-targets': `<base href="${origin}/"><base target="_top"><a id=rel href="x.html">x</a>`
      + `<form target="_top" action="${ran('form')}"><button formaction="${ran('formaction')}" formtarget="_top">go</button></form>`,
    'svg-animations': `<svg><a><animate attributeName="href" values="${ran('animate-href')}"/><set attributeName="target" to="_top"/>`
      + `<text y=10>x</text></a><rect width=10 height=10><animate attributeName="fill" values="url(${ran('animate-fill')}#f)" dur="1s"/></rect></svg>`,
    'frames-and-plugins': `<iframe src="${archive}/api/export"></iframe><iframe srcdoc="<script>fetch('${ran('srcdoc')}')</script>"></iframe>`
      + `<embed src="${api}"><object data="${archive}/api/export">fallback</object>`,
    'link-rels': `<link rel="stylesheet" href="${api}"><link rel="preload" href="${archive}/api/export" as="fetch">`
      + `<link rel="prefetch" href="${ran('prefetch')}"><link rel="icon" href="${archive}/login">`,
    'credentials': `<img src="http://user:pass@127.0.0.1:${new URL(origin).port}/ran/credentials">`,
    // Issue 18's own example: a relative /api/ URL (on the replay origin, not the API's) and an absolute one.
    'api-from-the-page': `<table><tbody background="/api/stats"><tr><td>t</td></tr></tbody></table>`
      + `<img src="${api}"><img src="/api/stats"><div style="background:url(/api/export?format=warc)">d</div>`,
    'comments-and-pis': `<!-- --!><img src=x onerror="fetch('${ran('comment-bang')}')"> --><?xml-stylesheet href="${ran('pi')}"?>c`,
  };
}

let svc;
let origin;
let browser;
let context;
const requests = [];
const dialogs = [];
let names = [];

before(async () => {
  svc = await startArchive();
  const routes = {};
  origin = await staticServer(SITE_FIXTURE, routes);
  const all = vectors(origin.base, svc.base);
  names = Object.keys(all);
  for (const [name, body] of Object.entries(all)) {
    routes[`/v/${name}.html`] = ['text/html; charset=utf-8',
      `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title></head><body><p>vector ${name}</p>${body}</body></html>`];
  }
  const xhtmlInXml = `<?xml version="1.0"?><root xmlns:h="http://www.w3.org/1999/xhtml"><h:meta http-equiv="refresh" `
    + `content="0;url=${origin.base}/ran/xml-refresh"/><h:img src="${svc.base}/api/stats"/></root>`;
  routes['/types/text-xml'] = ['text/xml', xhtmlInXml];
  routes['/types/application-xml'] = ['application/xml', xhtmlInXml];
  routes['/types/ambiguous'] = ['text/plain, text/html', `<meta http-equiv=refresh content="0;url=${origin.base}/ran/ambiguous"><img src="${svc.base}/api/stats">`];
  await svc.archive([...names.map((n) => origin.url(`/v/${n}.html`)), origin.url('/types/text-xml'),
    origin.url('/types/application-xml'), origin.url('/types/ambiguous')]);
  await origin.close(); // from here on nothing may come from the origin

  browser = await launchChromium();
  context = await browser.newContext();
  await svc.login(context);
  context.on('request', (r) => requests.push(r.url()));
  context.on('page', (p) => p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); }));
});

after(() => teardown(browser, svc));

/** Opens a replay, lets it settle, and returns what it asked for and where its frames went. */
async function visit(url) {
  const from = requests.length;
  const page = await context.newPage();
  const navigations = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));
  let response = null;
  try {
    response = await page.goto(url, { waitUntil: 'load' });
  } catch (e) {
    if (!/Download is starting/.test(e.message)) throw e; // an attachment: saved, never rendered
  }
  const frameUrl = page.frame({ name: 'pagekeep-frame' })?.url();
  const settledNavigations = navigations.length;
  await page.waitForTimeout(1500); // a meta refresh of 0 s, an animation, a lazy request would show by now
  const seen = requests.slice(from);
  const after = { page: response ? page.url() : url, frame: page.frame({ name: 'pagekeep-frame' })?.url(), navigations: navigations.slice(settledNavigations) };
  await page.close();
  return { status: response ? response.status() : 'download', seen, frameUrl, after,
    contentType: response ? response.headers()['content-type'] : 'application/octet-stream (download)' };
}

function assertSealed(name, url, v) {
  const api = v.seen.filter((u) => u.startsWith(`${svc.base}/`) || /^http:\/\/localhost:\d+\/(api|login)/.test(u));
  assert.deepEqual(api, [], `${name}: requests to the API, the UI's origin or the login page`);
  // pagekeep's own files on the replay origin: the replay page's script and style, and page.css, the
  // stylesheet of the sealed 404 a frame of a URL never archived shows.
  const archive = new RegExp(`^${svc.replayOrigin}/(c/[^/]+/web/|ui/replay\\.(js|css)$|ui/wayback\\.js$|ui/page\\.css$)`);
  const outside = v.seen.filter((u) => !archive.test(u) && !/^(data|blob|about):/.test(u));
  assert.deepEqual(outside, [], `${name}: requests outside the archive`);
  assert.equal(v.after.page, url, `${name}: the window stayed on its replay`);
  if (v.frameUrl) assert.equal(v.after.frame, v.frameUrl, `${name}: the frame stayed on the archived page`);
  assert.deepEqual(v.after.navigations, [], `${name}: navigations without a click`);
}

test('every hostile vector replays sealed while logged in: no API, no request out, no script, no navigation', async () => {
  for (const name of names) {
    const url = await svc.replayUrl(`/web/${origin.url(`/v/${name}.html`)}`);
    const v = await visit(url);
    assert.equal(v.status, 200, `${name}: replay answered ${v.status}`);
    const finalUrl = v.after.page;
    assert.match(finalUrl, /\/web\/\d{14}\//, `${name}: the replay page of a snapshot`);
    assertSealed(name, finalUrl, v);
  }
  assert.deepEqual(dialogs, [], 'no dialog opened');
});

test('XML and ambiguous types are replayed as text, not rendered: their XHTML meta refresh and images do nothing', async () => {
  for (const p of ['/types/text-xml', '/types/application-xml', '/types/ambiguous']) {
    const url = await svc.replayUrl(`/web/${origin.url(p)}`);
    const v = await visit(url);
    assert.ok(v.status === 200 || v.status === 'download', `${p}: ${v.status}`);
    assert.match(v.contentType, /^(text\/plain|application\/octet-stream)/, `${p} served as ${v.contentType}`);
    assertSealed(p, v.after.page, v);
  }
});

test('with its CSP bypassed, an archived page still gets no 200 from the API: the replay origin holds no credential of it', async () => {
  // The CSP is one wall; the origin is the other. With the CSP off (what a rewriter miss plus a CSP
  // bug would give), the page's relative /api/ URLs reach http://localhost:PORT, which serves no API,
  // and its absolute ones reach 127.0.0.1 cross-site, without the SameSite cookie or the UI's key.
  const open = await browser.newContext({ bypassCSP: true });
  await svc.login(open);
  const apiAnswers = [];
  open.on('response', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) apiAnswers.push([r.url(), r.status()]); });
  const page = await open.newPage();
  await page.goto(await svc.replayUrl(`/web/${origin.url('/v/api-from-the-page.html')}`), { waitUntil: 'load' });
  await page.evaluate((api) => {
    const doc = document.getElementById('pagekeep-frame').contentDocument;
    doc.body.insertAdjacentHTML('beforeend', '<table><tbody background="/api/stats"><tr><td>t</td></tr></tbody></table>'
      + `<img src="${api}/api/stats"><img src="/api/stats"><img src="/api/export?format=warc"><iframe src="${api}/api/stats"></iframe>`
      + '<iframe src="/api/stats"></iframe>');
  }, svc.base);
  await page.waitForTimeout(1500);
  await open.close();
  const fromReplay = apiAnswers.filter(([u]) => u.startsWith(svc.replayOrigin));
  const fromUi = apiAnswers.filter(([u]) => u.startsWith(svc.base));
  assert.ok(fromReplay.length >= 3, `the relative /api/ URLs were requested: ${JSON.stringify(apiAnswers)}`);
  assert.ok(fromUi.length >= 1, `the absolute /api/ URLs were requested: ${JSON.stringify(apiAnswers)}`);
  assert.deepEqual(apiAnswers.filter(([, s]) => s < 400), [], 'no API request from the archived page succeeded');
});

test('a local listener on another port, visited by the logged-in browser, collects no credential that the API accepts', async () => {
  const { createServer } = await import('node:http');
  const seen = [];
  const listener = createServer((req, res) => { seen.push(req.headers); res.end('<!doctype html><title>listener</title>hi'); });
  listener.listen(0, '127.0.0.1');
  await new Promise((r) => listener.once('listening', r));
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${listener.address().port}/`);
  await page.close();
  await new Promise((r) => listener.close(r));
  const cookie = seen.map((h) => h.cookie || '').find((c) => c.includes('pagekeep_session='));
  assert.ok(cookie, `cookies are per host, not per port: the listener got the session cookie (${JSON.stringify(seen)})`);
  // Everything a process holding that cookie can try: the UI's own fetch metadata, a navigation, with and without Origin.
  const attempts = [
    { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Dest': 'empty', 'Sec-Fetch-Mode': 'cors', Origin: svc.base },
    { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate' },
    {},
  ];
  for (const headers of attempts) {
    for (const [method, p] of [['GET', '/api/stats'], ['GET', '/api/snapshots'], ['POST', '/api/login-links'], ['POST', '/api/replay-links'],
      ['GET', '/api/export?format=warc']]) {
      const r = await fetch(svc.base + p, { method, headers: { ...headers, Cookie: cookie, 'Content-Type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined, redirect: 'manual' });
      const text = await r.text();
      assert.ok(r.status === 401 || r.status === 403, `${method} ${p} with the collected cookie answered ${r.status}: ${text}`);
      assert.doesNotMatch(text, /"snapshots"|\/login\?|\/c\//, `${method} ${p}: nothing of the archive`);
    }
  }
});
