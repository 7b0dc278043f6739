// Which links of a page "Archive all links on this page" saves: http and https only, without
// fragments, de-duplicated, and not the page itself (same-page anchors). Pure, so Node tests it.

export function linksToArchive(pageUrl, hrefs) {
  const page = withoutFragment(pageUrl);
  const seen = new Set();
  const out = [];
  for (const href of hrefs) {
    let url;
    try {
      url = new URL(href, pageUrl);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    const key = url.href;
    if (key === page || seen.has(key)) continue;
    seen.add(key);
    out.push(key);
  }
  return out;
}

function withoutFragment(u) {
  try {
    const url = new URL(u);
    url.hash = '';
    return url.href;
  } catch {
    return u;
  }
}

export function isArchivable(u) {
  try {
    const { protocol } = new URL(u);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

const FILE_TYPES = /\.(pdf|zip|gz|tgz|bz2|xz|7z|rar|tar|exe|msi|dmg|pkg|deb|rpm|apk|iso|img|bin|jar|mp3|mp4|m4a|m4v|mov|avi|mkv|webm|ogg|flac|wav|png|jpe?g|gif|webp|avif|svg|ico|csv|xlsx?|docx?|pptx?|odt|ods|epub|json|xml|txt)$/i;

/** A link that opens as a page in a tab, not a file a tab would download or show raw (by its path). */
export function opensAsPage(url) {
  try {
    return !FILE_TYPES.test(new URL(url).pathname);
  } catch {
    return false;
  }
}
