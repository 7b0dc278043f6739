// What the archive knows about the page a tab shows: after each navigation, one lookup (cached for a
// few minutes) puts the number of archived versions on the badge; when the page is gone (the tab
// failed to load, or its document answered 404/410) and the archive has it, the badge and a
// notification offer the archived copy, and following the offer opens its replay.
// State lives in chrome.storage.session (the worker is killed when idle).

import * as badge from './badge.js';
import { isArchivable } from './link-filter.js';
import { call } from './transport.js';

const CACHE = 'lookups'; // url -> {at, result}
const OFFERS = 'offers'; // tabId -> {url, replay, timestamp, versions, reason, notificationId}
const TTL_MS = 5 * 60 * 1000;
const MAX_CACHED = 300;
const GONE_STATUSES = new Set([404, 410]);
// Not a failure of the page: the user stopped it, another navigation replaced it, a blocker refused it.
const NOT_GONE = /ERR_ABORTED|ERR_BLOCKED_BY_CLIENT|ERR_BLOCKED_BY_ADMINISTRATOR|ERR_CACHE_MISS/;
export const NOTIFICATION_PREFIX = 'pagekeep-gone-';

/** The service's answer for url ({archived, versions, replay, timestamp, gone?}), from the cache when fresh; null when it cannot be asked. */
export async function lookup(url) {
  const { [CACHE]: cache = {} } = await chrome.storage.session.get(CACHE);
  const hit = cache[url];
  if (hit && Date.now() - hit.at < TTL_MS) return hit.result;
  let result;
  try {
    ({ result } = await call('lookup', { url }));
  } catch {
    return null; // no service, not paired: the badge says nothing rather than something wrong
  }
  if (!result || result.serviceRunning === false) return result; // no service yet: ask again next time
  const { [CACHE]: now = {} } = await chrome.storage.session.get(CACHE);
  now[url] = { at: Date.now(), result };
  const urls = Object.keys(now);
  if (urls.length > MAX_CACHED) {
    urls.sort((a, b) => now[a].at - now[b].at).slice(0, urls.length - MAX_CACHED).forEach((u) => delete now[u]);
  }
  await chrome.storage.session.set({ [CACHE]: now });
  return result;
}

/** Forgets what the cache says about url (a save of it just finished). */
export async function forget(url) {
  const { [CACHE]: cache = {} } = await chrome.storage.session.get(CACHE);
  if (!cache[url]) return;
  delete cache[url];
  await chrome.storage.session.set({ [CACHE]: cache });
}

async function offers() {
  return (await chrome.storage.session.get(OFFERS))[OFFERS] || {};
}

/** The offer standing for a tab showing url, or null. */
export async function offerFor(tabId, url) {
  const offer = (await offers())[tabId];
  return offer && (!url || offer.url === url) ? offer : null;
}

/** webNavigation.onCommitted: a tab shows a new document; its badge says whether the archive has it. */
export async function onCommitted(details) {
  if (details.frameId !== 0 || !isArchivable(details.url)) return;
  const standing = await offerFor(details.tabId, details.url);
  if (!standing) await dropOffer(details.tabId);
  const info = await lookup(details.url);
  // The offer may have been made while this lookup ran.
  const offer = await offerFor(details.tabId, details.url);
  if (offer) return showOffer(details.tabId, offer);
  if (info && info.archived) await badge.archived(details.tabId, info.versions, info.timestamp, !!info.gone);
}

/**
 * webNavigation.onDOMContentLoaded: for an archived URL only (the lookup is cached), the status the
 * document came with, read in the page (Navigation Timing's responseStatus, as capture.js does); a 404
 * or 410 is an offer. (A webRequest listener would see every page's status, but with one registered
 * Chromium routes every main document through the extension's proxy: a 5 MB replay then took over
 * 30 s to load on a loaded machine.)
 */
export async function onDOMContentLoaded(details) {
  if (details.frameId !== 0 || details.tabId < 0 || !isArchivable(details.url)) return;
  const info = await lookup(details.url);
  if (!info || !info.archived) return;
  let status = null;
  try {
    const [{ result }] = await chrome.scripting.executeScript({
      target: { tabId: details.tabId, frameIds: [0] },
      func: () => {
        const nav = performance.getEntriesByType('navigation')[0];
        return nav && nav.responseStatus ? nav.responseStatus : null;
      },
    });
    status = result;
  } catch {
    return; // the tab moved on, or a page the extension may not script
  }
  if (GONE_STATUSES.has(status)) await offerIfArchived(details.tabId, details.url, `answers ${status}`);
}

/** webNavigation.onErrorOccurred: the page did not load at all (no such host, refused, timed out). */
export async function onErrorOccurred(details) {
  if (details.frameId !== 0 || details.tabId < 0 || NOT_GONE.test(details.error || '')) return;
  await offerIfArchived(details.tabId, details.url, `failed to load (${(details.error || 'error').replace(/^net::/, '')})`);
}

async function offerIfArchived(tabId, url, reason) {
  if (!isArchivable(url)) return;
  const info = await lookup(url);
  if (!info || !info.archived || !info.replay) return;
  const offer = { url, replay: info.replay, timestamp: info.timestamp, versions: info.versions, reason,
    notificationId: `${NOTIFICATION_PREFIX}${tabId}` };
  const all = await offers();
  all[tabId] = offer;
  await chrome.storage.session.set({ [OFFERS]: all });
  await showOffer(tabId, offer);
  try {
    await chrome.notifications.create(offer.notificationId, {
      type: 'basic',
      iconUrl: chrome.runtime.getURL('icons/icon-128.png'),
      title: 'This page is gone; pagekeep has a copy',
      message: `${url} ${reason}. The archive has ${plural(offer.versions)}, the newest from ${when(offer.timestamp)}.`,
      buttons: [{ title: 'Open the archived copy' }],
      priority: 1,
    });
  } catch {
    // notifications turned off: the badge still offers the copy
  }
}

function showOffer(tabId, offer) {
  return badge.offer(tabId, offer.versions, `${offer.url} ${offer.reason}; the archive has ${plural(offer.versions)} `
    + `(newest ${when(offer.timestamp)}). Click to open the archived copy`);
}

async function dropOffer(tabId) {
  const all = await offers();
  if (!all[tabId]) return;
  const { notificationId } = all[tabId];
  delete all[tabId];
  await chrome.storage.session.set({ [OFFERS]: all });
  await chrome.notifications.clear(notificationId).catch(() => {});
}

/**
 * Follows a tab's offer: a new tab next to it opens the replay of the newest archived copy, through
 * a one-time login link (the replay needs the web UI's session). A new tab, not the gone one: the
 * service refuses a login navigated to from a page (Sec-Fetch-Site cross-site), and the browser
 * opens a new tab as the user's own navigation. Returns {state, tabId, replay}.
 */
export async function openOffer(tabId) {
  const offer = (await offers())[tabId];
  if (!offer) return { state: 'none' };
  const { result } = await call('login-link');
  const url = `${result.url}&next=${encodeURIComponent(offer.replay)}`;
  const gone = await chrome.tabs.get(tabId).catch(() => null);
  const tab = await chrome.tabs.create({ url, active: true, ...(gone ? { index: gone.index + 1, openerTabId: tabId } : {}) });
  await dropOffer(tabId);
  return { state: 'opened', tabId: tab.id, replay: offer.replay };
}

/** notifications.onClicked / onButtonClicked: the offer of the tab the notification is about. */
export function onNotificationClicked(notificationId) {
  if (!notificationId.startsWith(NOTIFICATION_PREFIX)) return Promise.resolve({ state: 'none' });
  return openOffer(Number(notificationId.slice(NOTIFICATION_PREFIX.length)));
}

/** tabs.onRemoved: an offer dies with its tab. */
export function onTabRemoved(tabId) {
  return dropOffer(tabId);
}

function plural(n) {
  return n === 1 ? '1 version' : `${n} versions`;
}

function when(ts) {
  if (!ts || ts.length < 8) return 'an unknown date';
  return `${ts.slice(0, 4)}-${ts.slice(4, 6)}-${ts.slice(6, 8)}`;
}
