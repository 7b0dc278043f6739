// Reads what the browser shows in a tab, with chrome.scripting: the DOM as drawn (after scripts
// ran, with what outerHTML misses: CSSOM rules, shadow roots, canvases, form state, scroll
// offsets, same-origin frames), its title and links, and the page's requisites fetched with the
// browser's own session. The injected functions must be self-contained: they run in the page.

// The service takes up to 32 MiB of HTML; stay below it, and so below the 64 MiB native frame limit.
const MAX_HTML_BYTES = 30 * 1024 * 1024;

/** Bounds of the requisites sent with a capture (the service takes 2000, 16 MiB each, 48 MiB together). */
export const RESOURCE_LIMITS = {
  maxCount: 600,
  maxBytes: 16 * 1024 * 1024,
  maxTotalBytes: 40 * 1024 * 1024,
  timeoutMs: 15000,
  deadlineMs: 45000,
};

/**
 * Injected: serialises the document as it is drawn, walking the live DOM without changing it, and
 * fetches its requisites with the page's own session (cookies, cache first). Resolves with
 * {url, title, html, status, frames:[{url,html}], resources:[{url,contentType,status,base64}],
 * missed:[url], tooLarge?}.
 */
async function pageCapture(limits) {
  const HTML_NS = 'http://www.w3.org/1999/xhtml';
  const VOID = new Set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr', 'img', 'input',
    'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
  const RAW_TEXT = new Set(['style', 'script', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext', 'noscript']);
  const MAX_FRAME_DEPTH = 3;
  const maxChars = limits.maxHtmlChars;
  const requisites = new Map(); // url -> priority (0 styles, 1 fonts, 2 images)
  const frames = [];
  let tooLarge = false;

  const isHttp = (u) => /^https?:/i.test(u);
  const want = (url, priority, base) => {
    let abs;
    try {
      abs = new URL(url, base || document.baseURI).href.replace(/#.*$/, '');
    } catch {
      return;
    }
    if (!isHttp(abs)) return;
    const had = requisites.get(abs);
    if (had === undefined || priority < had) requisites.set(abs, priority);
  };
  const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;').replace(/"/g, '&quot;')
    .replace(/</g, '&lt;').replace(/>/g, '&gt;');

  // ---- stylesheets: the rules the browser holds, when they differ from the source text
  function rulesText(sheet) {
    try {
      return Array.from(sheet.cssRules, (r) => r.cssText).join('\n');
    } catch {
      return null; // a cross-origin sheet: its rules cannot be read
    }
  }
  function collectSheetUrls(sheet, depth = 0) {
    let rules;
    try {
      rules = sheet.cssRules;
    } catch {
      return;
    }
    const base = sheet.href || (sheet.ownerNode && sheet.ownerNode.baseURI) || document.baseURI;
    for (const rule of rules) {
      if (rule.styleSheet && depth < 4) { // @import
        if (rule.href) want(rule.href, 0, base);
        collectSheetUrls(rule.styleSheet, depth + 1);
      } else if (rule.cssRules) {
        collectSheetUrls(rule, depth); // @media, @supports, @layer, @container, nesting
      }
      const text = rule.cssText || '';
      if (text.includes('url(')) {
        const font = rule.constructor && rule.constructor.name === 'CSSFontFaceRule';
        for (const m of text.matchAll(/url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)\s]*))\s*\)/g)) {
          const u = m[1] || m[2] || m[3];
          if (u && !u.startsWith('data:')) want(u, font ? 1 : 2, base);
        }
      }
    }
  }
  /** The sheet's rules as text when the browser's rules differ from what the element's text says. */
  function changedRules(sheet, source) {
    const live = rulesText(sheet);
    if (live === null) return null;
    if (source.length > 4 * 1024 * 1024) return source.trim() === '' && live !== '' ? live : null;
    try {
      const probe = new CSSStyleSheet();
      probe.replaceSync(source);
      return rulesText(probe) === live ? null : live;
    } catch {
      return null;
    }
  }
  function adoptedStyles(root, out) {
    let sheets;
    try {
      sheets = root.adoptedStyleSheets || [];
    } catch {
      sheets = [];
    }
    for (const sheet of sheets) {
      const text = rulesText(sheet);
      if (text === null) continue;
      collectSheetUrls(sheet);
      out.push('<style data-pagekeep-adopted="">', text.replace(/<\/style/gi, '<\\/style'), '</style>');
    }
  }

  // ---- the walk
  function serializeChildren(parent, out, ctx) {
    let skipSources = false;
    if (parent.localName === 'picture') {
      const img = parent.querySelector(':scope > img');
      skipSources = !!(img && img.currentSrc && isHttp(img.currentSrc));
    }
    for (let n = parent.firstChild; n; n = n.nextSibling) {
      if (tooLarge) return;
      if (skipSources && n.nodeType === 1 && n.localName === 'source') continue;
      serializeNode(n, out, ctx);
    }
  }

  function serializeNode(node, out, ctx) {
    switch (node.nodeType) {
      case 1:
        serializeElement(node, out, ctx);
        break;
      case 3: {
        const p = node.parentNode;
        const raw = p && p.nodeType === 1 && p.namespaceURI === HTML_NS && RAW_TEXT.has(p.localName);
        const text = raw ? node.data : escapeText(node.data);
        ctx.chars += text.length;
        out.push(text);
        break;
      }
      case 8:
        out.push('<!--', node.data, '-->');
        break;
      default:
        break; // processing instructions, CDATA: not in HTML documents
    }
    if (ctx.chars > maxChars) tooLarge = true;
  }

  function openTag(tag, attrs) {
    let s = `<${tag}`;
    for (const [name, value] of attrs) s += value === null ? '' : ` ${name}="${escapeAttr(value)}"`;
    return `${s}>`;
  }

  function serializeElement(el, out, ctx) {
    const html = el.namespaceURI === HTML_NS;
    const tag = html ? el.localName : el.tagName.includes(':') ? el.tagName : el.localName;
    const attrs = new Map(Array.from(el.attributes, (a) => [a.name, a.value]));
    for (const a of el.attributes) ctx.chars += a.name.length + a.value.length + 4;
    if (html && tag === 'canvas' && serializeCanvas(el, attrs, out, ctx)) return;
    let text = null; // replaces the children
    if (html) {
      switch (tag) {
        case 'input': {
          const type = (el.type || '').toLowerCase();
          if (type !== 'password' && type !== 'file') attrs.set('value', el.value);
          if (type === 'checkbox' || type === 'radio') attrs.set('checked', el.checked ? '' : null);
          if (type === 'image' && el.src) want(el.src, 2);
          break;
        }
        case 'textarea':
          text = el.value;
          break;
        case 'option':
          attrs.set('selected', el.selected ? '' : null);
          break;
        case 'img':
          if (el.currentSrc && isHttp(el.currentSrc)) {
            attrs.set('src', el.currentSrc);
            attrs.set('srcset', null);
            attrs.set('sizes', null);
            want(el.currentSrc, 2);
          } else if (el.src) {
            want(el.src, 2);
          }
          break;
        case 'video':
          if (el.poster) want(el.poster, 2);
          break;
        case 'link': {
          const rel = (el.rel || '').toLowerCase();
          if (el.href && /(^|\s)stylesheet(\s|$)/.test(rel)) {
            want(el.href, 0);
            if (el.sheet) collectSheetUrls(el.sheet);
          } else if (el.href && /icon/.test(rel)) {
            want(el.href, 2);
          }
          break;
        }
        case 'style':
          if (el.sheet) {
            const rules = changedRules(el.sheet, el.textContent);
            if (rules !== null) {
              text = rules;
              attrs.set('data-pagekeep-cssom', '');
            }
            collectSheetUrls(el.sheet);
          }
          break;
        case 'iframe':
        case 'frame':
          serializeFrame(el, attrs, ctx);
          break;
        default:
          break;
      }
    }
    if (el === ctx.scrollingElement) {
      attrs.set('data-pagekeep-scroll', `${Math.round(ctx.win.scrollX)},${Math.round(ctx.win.scrollY)}`);
    } else if (tag !== 'body' && (el.scrollTop || el.scrollLeft)) {
      attrs.set('data-pagekeep-scroll', `${Math.round(el.scrollLeft)},${Math.round(el.scrollTop)}`);
    }
    out.push(openTag(tag, attrs));
    if (html && VOID.has(tag)) return;
    const root = shadowRootOf(el);
    if (root) {
      const modes = [['shadowrootmode', root.mode]];
      if (root.delegatesFocus) modes.push(['shadowrootdelegatesfocus', '']);
      if (root.clonable) modes.push(['shadowrootclonable', '']);
      if (root.serializable) modes.push(['shadowrootserializable', '']);
      out.push(openTag('template', modes));
      serializeChildren(root, out, ctx);
      adoptedStyles(root, out); // adopted sheets come after the tree's own in the cascade
      out.push('</template>');
    }
    if (text !== null) {
      if ((tag === 'textarea' || tag === 'pre') && text.startsWith('\n')) out.push('\n'); // the parser eats one
      out.push(tag === 'style' ? text.replace(/<\/style/gi, '<\\/style') : escapeText(text));
      ctx.chars += text.length;
    } else if (html && tag === 'template') {
      serializeChildren(el.content, out, ctx);
    } else {
      if (html && (tag === 'pre' || tag === 'listing') && el.firstChild && el.firstChild.nodeType === 3
        && el.firstChild.data.startsWith('\n')) out.push('\n');
      serializeChildren(el, out, ctx);
    }
    if (el === ctx.body) adoptedStyles(ctx.doc, out); // the document's adopted sheets: last in the cascade
    out.push(`</${tag}>`);
  }

  function shadowRootOf(el) {
    if (el.shadowRoot) return el.shadowRoot;
    try {
      // Closed roots too, where the extension API offers them (content scripts in Chromium).
      return (globalThis.chrome && chrome.dom && chrome.dom.openOrClosedShadowRoot(el)) || null;
    } catch {
      return null;
    }
  }

  /** A canvas as the image it shows, at the same place and size. False when it cannot be read. */
  function serializeCanvas(el, attrs, out, ctx) {
    let data;
    try {
      data = el.toDataURL('image/png');
    } catch {
      return false; // tainted by a cross-origin image
    }
    const cs = ctx.win.getComputedStyle(el);
    const size = `box-sizing:${cs.boxSizing};width:${cs.width};height:${cs.height};display:${cs.display}`;
    const style = attrs.get('style');
    attrs.set('style', style ? `${style};${size}` : size);
    attrs.set('src', data);
    attrs.set('data-pagekeep-canvas', `${el.width}x${el.height}`);
    ctx.chars += data.length;
    out.push(openTag('img', attrs));
    return true;
  }

  /** A same-origin frame's drawn DOM travels as the body of the frame's URL. */
  function serializeFrame(el, attrs, ctx) {
    let doc;
    try {
      doc = el.contentDocument;
    } catch {
      doc = null;
    }
    if (!doc || !doc.documentElement || ctx.depth >= MAX_FRAME_DEPTH) return;
    const url = doc.location && doc.location.href;
    if (!url || !isHttp(url)) return; // about:blank and srcdoc frames stay as the page wrote them
    attrs.set('src', url);
    const frameHtml = serializeDocument(doc, ctx.depth + 1, ctx);
    if (frameHtml !== null) frames.push({ url: url.replace(/#.*$/, ''), html: frameHtml });
  }

  function serializeDocument(doc, depth, parent) {
    const win = doc.defaultView || window;
    const ctx = {
      doc, win, depth, body: doc.body, scrollingElement: doc.scrollingElement || doc.documentElement,
      chars: parent ? parent.chars : 0,
    };
    for (const sheet of doc.styleSheets) if (!sheet.ownerNode) collectSheetUrls(sheet);
    const out = [];
    if (doc.doctype) out.push(new XMLSerializer().serializeToString(doc.doctype), '\n');
    serializeNode(doc.documentElement, out, ctx);
    if (parent) parent.chars = ctx.chars;
    return tooLarge ? null : out.join('');
  }

  // ---- lazy images in or near the viewport: let them finish loading first (bounded)
  const margin = window.innerHeight;
  const pending = Array.from(document.images).filter((img) => {
    if (img.complete) return false;
    const r = img.getBoundingClientRect();
    return r.bottom > -margin && r.top < window.innerHeight + margin;
  });
  if (pending.length) {
    await Promise.race([
      Promise.all(pending.map((img) => img.decode().catch(() => {}))),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
  }

  const html = serializeDocument(document, 0, null);
  const nav = performance.getEntriesByType('navigation')[0];
  const status = nav && nav.responseStatus >= 100 && nav.responseStatus <= 599 ? nav.responseStatus : null;
  const page = { url: location.href, title: document.title, status, html, frames, resources: [], missed: [] };
  if (html === null) return { ...page, html: null, frames: [], tooLarge: true };

  // ---- requisites, fetched as the page would: its cookies, the browser's cache first
  const frameUrls = new Set(frames.map((f) => f.url));
  const queue = [...requisites].filter(([u]) => !frameUrls.has(u) && u !== location.href.replace(/#.*$/, ''))
    .sort((a, b) => a[1] - b[1]).map(([u]) => u).slice(0, limits.maxCount);
  const deadline = Date.now() + limits.deadlineMs;
  let total = 0;
  const toBase64 = (blob) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  async function one(url) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(1, Math.min(limits.timeoutMs, deadline - Date.now())));
    try {
      const r = await fetch(url, { credentials: 'include', cache: 'force-cache', signal: abort.signal, redirect: 'follow' });
      const length = Number(r.headers.get('content-length') || 0);
      if (!r.ok || length > limits.maxBytes) {
        page.missed.push(url);
        return;
      }
      const blob = await r.blob();
      if (blob.size > limits.maxBytes || total + blob.size > limits.maxTotalBytes) {
        page.missed.push(url);
        return;
      }
      total += blob.size;
      page.resources.push({ url, contentType: r.headers.get('content-type'), status: r.status, base64: await toBase64(blob) });
    } catch {
      page.missed.push(url); // CORS, network, timeout: the extension or the service tries again
    } finally {
      clearTimeout(timer);
    }
  }
  const workers = Array.from({ length: 6 }, async () => {
    while (queue.length && Date.now() < deadline) await one(queue.shift());
  });
  await Promise.all(workers);
  page.missed.push(...queue);
  for (const f of frames) {
    const bytes = new TextEncoder().encode(f.html);
    page.resources.push({ url: f.url, contentType: 'text/html; charset=utf-8', status: 200, base64: await toBase64(new Blob([bytes])) });
  }
  page.frames = frames.map((f) => f.url);
  return page;
}

function pageLinks() {
  return { url: location.href, hrefs: Array.from(document.links, (a) => a.href) };
}

async function run(tabId, func, args) {
  const [injection] = await chrome.scripting.executeScript({ target: { tabId }, func, ...(args ? { args } : {}) });
  if (!injection || injection.result === undefined || injection.result === null) {
    throw new Error('the page could not be read');
  }
  return injection.result;
}

/**
 * The one entry point for reading a tab: {url, title, html, status, resources, frames}. html is
 * null (and htmlSkipped says why) when the DOM is too large; resources are the page's requisites
 * as the browser got them ([{url, contentType, status, base64}]), the same-origin frames' drawn
 * DOM among them.
 */
export async function captureTab(tabId) {
  const page = await run(tabId, pageCapture, [{ ...RESOURCE_LIMITS, maxHtmlChars: MAX_HTML_BYTES }]);
  const tooLargeReason = `the page's DOM is over ${MAX_HTML_BYTES / 1024 / 1024} MB; the service fetched it instead`;
  if (page.tooLarge || utf8Length(page.html) > MAX_HTML_BYTES) {
    return { url: page.url, title: page.title, html: null, resources: [], htmlSkipped: tooLargeReason };
  }
  if (page.missed && page.missed.length) await fetchMissed(page);
  return page;
}

/**
 * What the page's context could not fetch (cross-origin without CORS) is tried once more from the
 * extension, which needs no CORS for hosts it may access; still with the browser's cookies.
 */
async function fetchMissed(page) {
  let total = page.resources.reduce((n, r) => n + r.base64.length * 0.75, 0);
  const left = [];
  const queue = page.missed.slice(0, Math.max(0, RESOURCE_LIMITS.maxCount - page.resources.length));
  const deadline = Date.now() + RESOURCE_LIMITS.timeoutMs;
  const one = async (url) => {
    try {
      const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
      const r = await fetch(url, { credentials: 'include', cache: 'force-cache', signal });
      if (!r.ok) throw new Error(String(r.status));
      const bytes = new Uint8Array(await r.arrayBuffer());
      if (bytes.length > RESOURCE_LIMITS.maxBytes || total + bytes.length > RESOURCE_LIMITS.maxTotalBytes) throw new Error('too large');
      total += bytes.length;
      page.resources.push({ url, contentType: r.headers.get('content-type'), status: r.status, base64: base64(bytes) });
    } catch {
      left.push(url); // the service fetches it itself
    }
  };
  const workers = Array.from({ length: 6 }, async () => {
    while (queue.length) await one(queue.shift());
  });
  await Promise.all(workers);
  page.missed = left;
}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function utf8Length(text) {
  if (text.length * 3 <= MAX_HTML_BYTES) return text.length; // cannot be over the limit: skip encoding
  return new TextEncoder().encode(text).byteLength;
}

export function collectLinks(tabId) {
  return run(tabId, pageLinks);
}
