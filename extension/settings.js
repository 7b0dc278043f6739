// Settings live in chrome.storage.local: the service worker is killed when idle, so every
// reader re-reads them instead of keeping a copy in a global.

export const DEFAULTS = Object.freeze({
  baseUrl: 'http://127.0.0.1:8765', // the service's address for the HTTP fallback
  token: '', // API token for the HTTP fallback (pasted, or paired through the host)
  transport: 'auto', // 'auto' = native host first, HTTP when the host is missing; 'http' = HTTP only
  retryPeriodMinutes: 0.5, // how often waiting saves are retried (Chrome clamps packed installs to >= 0.5)
  browserCapture: true, // "Archive link" and "all links" open links in background tabs and capture what they show
  maxBrowserTabs: 2, // at most this many such tabs at once; the service fetches the rest
});

/**
 * The service answers its API on 127.0.0.1 only: http://localhost:PORT is its replay origin, which
 * refuses every API call. An address written with localhost (or saved before) is read as 127.0.0.1.
 */
const apiAddress = (url) => url.replace(/^http:\/\/localhost(?=[:/]|$)/i, 'http://127.0.0.1');

export async function getSettings() {
  const { settings } = await chrome.storage.local.get('settings');
  const s = { ...DEFAULTS, ...(settings || {}) };
  if (typeof s.baseUrl === 'string') s.baseUrl = apiAddress(s.baseUrl);
  return s;
}

export async function updateSettings(patch) {
  const next = { ...(await getSettings()), ...patch };
  if (typeof next.baseUrl === 'string') next.baseUrl = apiAddress(next.baseUrl.trim().replace(/\/+$/, ''));
  if (typeof next.token === 'string') next.token = next.token.trim();
  next.maxBrowserTabs = Math.min(8, Math.max(1, Math.trunc(Number(next.maxBrowserTabs)) || DEFAULTS.maxBrowserTabs));
  await chrome.storage.local.set({ settings: next });
  return next;
}
