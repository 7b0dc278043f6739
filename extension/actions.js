// What the toolbar button and the context menu items do. Each returns what happened
// ({state: 'queued'|'waiting'|'failed', ...}) so tests can call exactly what a click calls.

import * as badge from './badge.js';
import { captureTab, collectLinks } from './capture.js';
import { submit } from './delivery.js';
import { isArchivable, linksToArchive } from './link-filter.js';
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

/** "Archive link": the service fetches the link; the browser never opens it. */
export async function saveLink(linkUrl, tab) {
  const tabId = tab ? tab.id : undefined;
  if (!isArchivable(linkUrl)) {
    const reason = 'only http and https links can be archived';
    await badge.failed(tabId, linkUrl, reason);
    return { state: 'failed', reason };
  }
  const owner = await badge.sending(tabId, linkUrl);
  return submit({ url: linkUrl.replace(/#.*$/, ''), source: 'context-menu' }, { tabId, label: linkUrl, owner });
}

/** "Archive all links on this page": http(s) links, de-duplicated, without same-page anchors. */
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
  const result = await submit({ urls: links, source: 'links-on-page' }, { tabId, label: tab.url, owner });
  return { ...result, count: links.length };
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
