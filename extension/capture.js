// Reads what the browser shows in a tab: the live DOM (after scripts ran), its title and its
// links, with chrome.scripting. The injected functions must be self-contained.

const MAX_HTML_CHARS = 24 * 1024 * 1024; // stays under the 64 MiB native message limit even as UTF-8

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
  if (page.html.length > MAX_HTML_CHARS) {
    return { ...page, html: null, htmlSkipped: `the page's DOM is over ${MAX_HTML_CHARS / 1024 / 1024} MB; the service fetches it instead` };
  }
  return page;
}

export function collectLinks(tabId) {
  return run(tabId, pageLinks);
}
