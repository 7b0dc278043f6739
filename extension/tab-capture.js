// Captures links through the browser: each opens in a background tab that is never focused, is
// captured once it has loaded and settled, exactly as the toolbar captures a tab (captureTab),
// is sent with that DOM, and the tab is closed (always, also on failure). At most
// settings.maxBrowserTabs such tabs at once; callers send the rest through the service.
//
// What is in flight lives in chrome.storage.local ('tabCaptures'): the worker may be stopped while
// a tab loads. A new worker finds those records, closes their (orphan) tabs and starts them again;
// after MAX_TRIES they go through the service instead, so nothing clicked is lost.
//
// The same path captures saves the service marked needs-browser (its fetch met a login, paywall,
// consent or bot wall): the DOM is sent with the save's id and recorded against that save.

import { captureTab } from './capture.js';
import { submit } from './delivery.js';
import { opensAsPage } from './link-filter.js';
import { getSettings } from './settings.js';
import { withStorageLock } from './storage-lock.js';
import { call } from './transport.js';

const KEY = 'tabCaptures';
const WALL_TRIES = 'wallTries'; // saveId -> browser captures tried for a needs-browser save
export const BROWSER_ALARM = 'pagekeep-browser-captures';
const BROWSER_ALARM_MINUTES = 15; // needs-browser saves from other clients (CLI, imports) are looked for this often
const MAX_TRIES = 2; // a capture restarted this often (the worker died) goes through the service instead
const MAX_WALL_TRIES = 3; // a needs-browser save the browser could not capture this often is left alone
const LOAD_TIMEOUT_MS = 30000; // a tab still loading after this is captured as it is
const SETTLE = Object.freeze({ quietMs: 800, capMs: 10000, tickMs: 200, maxScrollSteps: 6 });

const mine = new Set(); // keys this worker drives; a new worker starts with none, so the rest are orphans

async function records() {
  const { [KEY]: all } = await chrome.storage.local.get(KEY);
  return all || [];
}

function writeRecords(all) {
  return chrome.storage.local.set({ [KEY]: all });
}

/**
 * Takes free tab slots for as many of `items` as fit ({url, source, saveId?, originTabId?, label,
 * owner}); returns the records taken, in order. The others must go through the service, and so
 * do links to files (a tab would download them, not show them).
 */
export async function reserve(items) {
  const { browserCapture, maxBrowserTabs } = await getSettings();
  if (!browserCapture || items.length === 0) return [];
  const pages = items.filter((item) => item.saveId !== undefined || opensAsPage(item.url));
  return withStorageLock(async () => {
    const all = await records();
    const free = Math.max(0, maxBrowserTabs - all.length);
    const taken = pages.slice(0, free).map((item) => ({
      ...item,
      key: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
      tabId: null,
      tries: 1,
      startedAt: Date.now(),
    }));
    for (const r of taken) mine.add(r.key);
    if (taken.length) await writeRecords([...all, ...taken]);
    return taken;
  });
}

function patch(key, fields) {
  return withStorageLock(async () => writeRecords((await records()).map((r) => (r.key === key ? { ...r, ...fields } : r))));
}

function forget(key) {
  mine.delete(key);
  return withStorageLock(async () => writeRecords((await records()).filter((r) => r.key !== key)));
}

/** Runs one reserved capture to its end; resolves with what happened, never rejects. */
export async function run(rec) {
  mine.add(rec.key);
  let tabId = null;
  try {
    const tab = await chrome.tabs.create({ url: rec.url, active: false });
    tabId = tab.id;
    await patch(rec.key, { tabId });
    await waitForLoad(tabId);
    await chrome.scripting.executeScript({ target: { tabId }, func: settlePage, args: [SETTLE] });
    const page = await captureTab(tabId);
    if (!page.html) throw new Error(page.htmlSkipped || 'the page could not be read');
    const url = sameDocument(page.url, rec.url) ? stripFragment(rec.url) : page.url;
    if (rec.saveId !== undefined && url !== stripFragment(rec.url)) {
      throw new Error(`the browser was sent on to ${page.url}`);
    }
    const request = { ...extraFields(page), url, title: page.title, html: page.html };
    if (rec.saveId !== undefined) request.saveId = rec.saveId; // the save keeps its own source
    else request.source = rec.source;
    const result = await submit(request, { tabId: rec.originTabId, label: rec.label || url, owner: rec.owner });
    return { ...result, via: 'browser', url };
  } catch (e) {
    return fallBack(rec, e.message);
  } finally {
    if (tabId !== null) await chrome.tabs.remove(tabId).catch(() => {});
    await forget(rec.key);
  }
}

/** A link the browser could not capture goes through the service; a needs-browser save waits for the next try. */
async function fallBack(rec, reason) {
  if (rec.saveId !== undefined) {
    await withStorageLock(async () => {
      const { [WALL_TRIES]: tries } = await chrome.storage.local.get(WALL_TRIES);
      await chrome.storage.local.set({ [WALL_TRIES]: { ...(tries || {}), [rec.saveId]: ((tries || {})[rec.saveId] || 0) + 1 } });
    });
    return { state: 'failed', via: 'browser', reason: `could not capture ${rec.url} in a background tab: ${reason}` };
  }
  const result = await submit({ url: stripFragment(rec.url), source: rec.source }, { tabId: rec.originTabId, label: rec.label || rec.url, owner: rec.owner });
  return { ...result, via: result.via, note: `captured by the service: the background tab failed (${reason})` };
}

/** Fields the capture returns beyond url/title/html (the page's resources, ...), sent as they are. */
function extraFields(page) {
  const { url, title, html, htmlSkipped, ...rest } = page;
  return rest;
}

async function waitForLoad(tabId) {
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  for (;;) {
    const tab = await chrome.tabs.get(tabId);
    if (tab.status === 'complete' && tab.url && tab.url !== 'about:blank') return;
    if (Date.now() > deadline) return; // capture what is there
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Runs in the page: resolves once it has settled (no DOM mutation and no finished request for
 * quietMs), after a bounded scroll down (lazy content) and back to the top; never later than capMs.
 */
function settlePage({ quietMs, capMs, tickMs, maxScrollSteps }) {
  return new Promise((resolve) => {
    const start = performance.now();
    let last = start;
    let steps = 0;
    let scrolled = false;
    const touch = () => { last = performance.now(); };
    const mutations = new MutationObserver(touch);
    mutations.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
    let requests = null;
    try {
      requests = new PerformanceObserver(touch);
      requests.observe({ type: 'resource' });
    } catch {
      requests = null;
    }
    const tick = () => {
      const now = performance.now();
      const root = document.scrollingElement || document.documentElement;
      if (!scrolled) {
        if (steps < maxScrollSteps && root.scrollTop + innerHeight < root.scrollHeight - 1) {
          steps += 1;
          root.scrollTop += innerHeight;
          touch();
        } else {
          root.scrollTop = 0;
          scrolled = true;
          touch();
        }
      }
      if ((scrolled && now - last >= quietMs) || now - start >= capMs) {
        mutations.disconnect();
        if (requests) requests.disconnect();
        resolve({ ms: Math.round(now - start), steps });
        return;
      }
      setTimeout(tick, tickMs);
    };
    setTimeout(tick, tickMs);
  });
}

function stripFragment(u) {
  return u.replace(/#.*$/, '');
}

function sameDocument(a, b) {
  return stripFragment(a || '') === stripFragment(b || '');
}

/**
 * What a new worker (and the alarm) does first: records no worker drives are orphans of a stopped
 * worker. Their tabs are closed and they start again, or go through the service after MAX_TRIES.
 */
export async function resume() {
  const orphans = await withStorageLock(async () => {
    const all = await records();
    const found = all.filter((r) => !mine.has(r.key));
    for (const r of found) mine.add(r.key);
    return found;
  });
  const runs = [];
  for (const rec of orphans) {
    if (rec.tabId !== null && rec.tabId !== undefined) await chrome.tabs.remove(rec.tabId).catch(() => {});
    if (rec.tries >= MAX_TRIES) {
      runs.push((async () => {
        await forget(rec.key);
        return fallBack(rec, `the capture was interrupted ${rec.tries} times`);
      })());
    } else {
      const again = { ...rec, tabId: null, tries: rec.tries + 1 };
      await patch(rec.key, { tabId: null, tries: again.tries });
      runs.push(run(again));
    }
  }
  return Promise.all(runs);
}

/**
 * Captures saves the service marked needs-browser, in the free tab slots. Resolves when those
 * captures are sent (or failed), with their results.
 */
export async function captureWaiting() {
  const settings = await getSettings();
  if (!settings.browserCapture) return [];
  const busy = await records();
  if (busy.length >= settings.maxBrowserTabs) return [];
  let saves;
  try {
    ({ result: { saves = [] } } = await call('needs-browser', { limit: 50 }));
  } catch {
    return []; // no service now: the alarm asks again later
  }
  const { [WALL_TRIES]: tries } = await chrome.storage.local.get(WALL_TRIES);
  const wanted = saves.filter((s) => !busy.some((r) => r.saveId === s.id) && ((tries || {})[s.id] || 0) < MAX_WALL_TRIES);
  const taken = await reserve(wanted.map((s) => ({ url: s.url, source: s.source || 'api', saveId: s.id, label: s.url })));
  return Promise.all(taken.map((rec) => run(rec)));
}

/** The alarm that looks for needs-browser saves while the browser runs. */
export async function ensureBrowserAlarm() {
  const existing = await chrome.alarms.get(BROWSER_ALARM);
  if (!existing) await chrome.alarms.create(BROWSER_ALARM, { delayInMinutes: 1, periodInMinutes: BROWSER_ALARM_MINUTES });
}

export async function onBrowserAlarm() {
  await resume();
  return captureWaiting();
}

/** What is in flight now (for the options page and the tests). */
export function inFlight() {
  return records();
}

