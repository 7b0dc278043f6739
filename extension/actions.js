// What the toolbar button and the context menu items do. Each returns what happened
// ({state: 'queued'|'waiting'|'failed', ...}) so tests can call exactly what a click calls.

import * as badge from './badge.js';
import { captureTab, collectLinks } from './capture.js';
import { submit } from './delivery.js';
import { isArchivable, linksToArchive } from './link-filter.js';
import * as tabCapture from './tab-capture.js';
import { call } from './transport.js';

/**
 * Toolbar button and "Archive this page": the URL, title and DOM as the browser shows them, the
 * status the page came with, and its requisites as the browser got them (with its session).
 */
export async function saveTab(tab, source = 'toolbar') {
  const tabId = tab.id;
  const owner = await badge.sending(tabId, tab.url || 'this page');
  let page;
  try {
    page = await captureTab(tabId);
  } catch (e) {
    page = { url: tab.url, title: tab.title, html: null, htmlSkipped: `could not read the page (${e.message})` };
  }
  if (!isArchivable(page.url)) {
    const reason = 'only http and https pages can be archived';
    await badge.failed(tabId, page.url || 'this page', reason, owner);
    return { state: 'failed', reason };
  }
  const request = { url: page.url, title: page.title, source };
  if (page.html) {
    request.html = page.html;
    if (page.status) request.status = page.status;
  }
  if (page.resources && page.resources.length) request.resources = page.resources;
  // The tooltip says why the service fetched the page itself (too large, unreadable).
  const label = page.htmlSkipped ? `${page.url} (${page.htmlSkipped})` : page.url;
  const result = await submit(request, { tabId, label, owner });
  const extra = { resources: (page.resources || []).length };
  return page.htmlSkipped ? { ...result, ...extra, note: page.htmlSkipped } : { ...result, ...extra };
}

/**
 * "Archive link": opened in a background tab and captured as the browser shows it, when browser
 * capture is on and a tab slot is free; otherwise the service fetches it and the browser never
 * opens it. A tab capture resolves at once with {state: 'capturing', via: 'browser'}.
 */
export async function saveLink(linkUrl, tab) {
  const tabId = tab ? tab.id : undefined;
  if (!isArchivable(linkUrl)) {
    const reason = 'only http and https links can be archived';
    await badge.failed(tabId, linkUrl, reason);
    return { state: 'failed', reason };
  }
  const owner = await badge.sending(tabId, linkUrl);
  const [rec] = await tabCapture.reserve([{ url: linkUrl, source: 'context-menu', originTabId: tabId, label: linkUrl, owner }]);
  if (rec) {
    tabCapture.run(rec);
    return { state: 'capturing', via: 'browser', url: linkUrl };
  }
  return submit({ url: linkUrl.replace(/#.*$/, ''), source: 'context-menu' }, { tabId, label: linkUrl, owner });
}

/**
 * "Archive all links on this page": http(s) links, de-duplicated, without same-page anchors. The
 * first ones fill the free background-tab slots (browser capture); the service fetches the rest.
 */
export async function saveAllLinks(tab) {
  const tabId = tab.id;
  const owner = await badge.sending(tabId, `the links of ${tab.url}`);
  let links;
  try {
    const found = await collectLinks(tabId);
    links = linksToArchive(found.url, found.hrefs);
  } catch (e) {
    const reason = `could not read the page's links (${e.message})`;
    await badge.failed(tabId, tab.url, reason, owner);
    return { state: 'failed', reason };
  }
  if (links.length === 0) {
    const reason = 'no http or https links on this page';
    await badge.failed(tabId, tab.url, reason, owner);
    return { state: 'failed', reason, count: 0 };
  }
  // Tab captures report on the badge only through their saves' jobs; the owner token of this
  // click is not theirs, so they never hide the count of the links the service fetches.
  const quiet = `tabs-${owner}`;
  const inTabs = await tabCapture.reserve(links.map((url) => ({ url, source: 'links-on-page', originTabId: tabId, label: url, owner: quiet })));
  for (const rec of inTabs) tabCapture.run(rec);
  const inTab = new Set(inTabs.map((r) => r.url));
  const rest = links.filter((url) => !inTab.has(url));
  const browser = inTabs.map((r) => r.url);
  if (rest.length === 0) return { state: 'capturing', via: 'browser', count: links.length, browser, saves: [] };
  const result = await submit({ urls: rest, source: 'links-on-page' }, { tabId, label: tab.url, owner });
  return { ...result, count: links.length, browser };
}

/** "Open archive": a one-time login link to the web UI, opened in a new tab. */
export async function openArchive() {
  try {
    const { result } = await call('login-link');
    const tab = await chrome.tabs.create({ url: result.url });
    return { state: 'opened', tabId: tab.id };
  } catch (e) {
    await badge.failed(undefined, 'to open the archive', e.message);
    return { state: 'failed', reason: e.message };
  }
}
