// Reads what the browser shows in a tab: the live DOM (after scripts ran), its title and its
// links, with chrome.scripting. The injected functions must be self-contained.

// The service takes up to 32 MiB of HTML; stay below it, and so below the 64 MiB native frame limit.
const MAX_HTML_BYTES = 30 * 1024 * 1024;

function pageSnapshot() {
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) + '\n' : '';
  return { url: location.href, title: document.title, html: doctype + document.documentElement.outerHTML };
}

function pageLinks() {
  return { url: location.href, hrefs: Array.from(document.links, (a) => a.href) };
}

async function run(tabId, func) {
  const [injection] = await chrome.scripting.executeScript({ target: { tabId }, func });
  if (!injection || injection.result === undefined || injection.result === null) {
    throw new Error('the page could not be read');
  }
  return injection.result;
}

/** {url, title, html}; html is null (and htmlSkipped says why) when the DOM is too large. */
export async function captureTab(tabId) {
  const page = await run(tabId, pageSnapshot);
  if (utf8Length(page.html) > MAX_HTML_BYTES) {
    return { ...page, html: null, htmlSkipped: `the page's DOM is over ${MAX_HTML_BYTES / 1024 / 1024} MB; the service fetches it instead` };
  }
  return page;
}

function utf8Length(text) {
  if (text.length * 3 <= MAX_HTML_BYTES) return text.length; // cannot be over the limit: skip encoding
  return new TextEncoder().encode(text).byteLength;
}

export function collectLinks(tabId) {
  return run(tabId, pageLinks);
}
