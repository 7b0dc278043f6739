// pagekeep's replay page script (never the archived page's: that frame is sandboxed without scripts).
// It keeps the address bar and the banner in step with the frame, hands the URL's #fragment to the
// archived page, restores the scroll offsets kept with a capture (data-pagekeep-scroll="LEFT,TOP"),
// and marks links that leave the archive on hover only, so that nothing moves a pixel of the page.

import { formatWayback, parseWayback } from './wayback.js';

const banner = document.getElementById('pagekeep-banner');
const frame = document.getElementById('pagekeep-frame');
const hint = document.getElementById('pagekeep-hint');
// On the replay origin every archive path starts with the capability, /c/{capability}.
const prefix = banner.dataset.prefix || '';
const LIVE_STYLE = 'a[data-pagekeep-live]:hover,a[data-pagekeep-live]:focus-visible'
  + '{outline:1px dashed #d97706!important;outline-offset:1px;cursor:alias}';

// The fragment belongs to the archived page: a fragment-only change of src scrolls, no reload.
if (location.hash) frame.src = frame.getAttribute('src') + location.hash;

/** The frame's document, when it is ours to read (always, unless the frame left the archive). */
function frameDocument() {
  try {
    return frame.contentDocument;
  } catch {
    return null;
  }
}

function sameSnapshot(a, b) {
  const norm = (u) => { try { return decodeURI(u); } catch { return u; } };
  return a.timestamp === b.timestamp && norm(a.url) === norm(b.url);
}

/** The address bar shows the replay page of what the frame shows, with its fragment. */
function syncAddress() {
  const win = frame.contentWindow;
  let here;
  try {
    const path = win.location.pathname;
    if (!path.startsWith(prefix)) return;
    here = parseWayback(path.slice(prefix.length) + win.location.search);
  } catch {
    return; // not readable: not ours
  }
  if (!here.timestamp) return;
  const framed = prefix + formatWayback({ timestamp: here.timestamp, url: here.url }) + win.location.hash;
  const shown = { timestamp: banner.dataset.timestamp, url: banner.dataset.url };
  if (sameSnapshot(here, shown)) {
    if (location.hash !== win.location.hash) history.replaceState(null, '', banner.dataset.framed + win.location.hash);
  } else if (sessionStorage.getItem('pagekeep-followed') !== framed) {
    // Another snapshot in the frame: load its replay page, so the banner describes it (once, no loop).
    sessionStorage.setItem('pagekeep-followed', framed);
    location.replace(framed);
  }
}

function restoreScroll(doc, win) {
  const offsets = (el) => {
    const parts = (el.getAttribute('data-pagekeep-scroll') || '').split(',').map(Number);
    return parts.length === 2 && parts.every((n) => Number.isFinite(n) && n >= 0) ? parts : null;
  };
  for (const el of doc.querySelectorAll('[data-pagekeep-scroll]')) {
    const xy = offsets(el);
    if (!xy) continue;
    if (el === doc.documentElement || el === doc.body) {
      if (!win.location.hash) win.scrollTo(xy[0], xy[1]); // a #fragment asked for wins over the page's offset
    } else {
      el.scrollLeft = xy[0];
      el.scrollTop = xy[1];
    }
  }
}

/** Hover and focus only: an outline takes no space, and nothing shows at rest. */
function markLiveLinks(doc) {
  if (!doc.head || doc.getElementById('pagekeep-live-style')) return;
  const style = doc.createElement('style');
  style.id = 'pagekeep-live-style';
  style.textContent = LIVE_STYLE;
  doc.head.append(style);
  const show = (e) => {
    const a = e.target instanceof doc.defaultView.Element ? e.target.closest('a[data-pagekeep-live]') : null;
    hint.textContent = a ? `\u2197 leaves the archive: ${a.href}` : '';
  };
  doc.addEventListener('mouseover', show);
  doc.addEventListener('focusin', show);
}

function onFrameLoad() {
  const doc = frameDocument();
  if (!doc || doc.URL === 'about:blank') return;
  syncAddress();
  markLiveLinks(doc);
  restoreScroll(doc, frame.contentWindow);
  try {
    frame.contentWindow.addEventListener('hashchange', syncAddress);
  } catch { /* not ours */ }
}

frame.addEventListener('load', onFrameLoad);
// The frame may have loaded before this module ran.
if (frameDocument()?.readyState === 'complete') onFrameLoad();
