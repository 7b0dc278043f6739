// The web UI's half of its session: the key that the login redirect hands over in the fragment
// (#key=...), kept in this origin's localStorage and sent with every API fetch. The session cookie
// alone opens no API call, so a local process that collects the cookie (cookies reach every port of
// 127.0.0.1) gets nothing of the archive.

const STORE = 'pagekeep-key';
export const KEY_HEADER = 'X-Pagekeep-Key';

/** Takes the key out of the address (#key=...) into localStorage; call before anything reads location.hash. */
export function adoptKeyFromLogin() {
  // again.js came back through "/?" (an empty query): show the plain address.
  if (/\/\?(#|$)/.test(location.href)) history.replaceState(null, '', location.pathname + location.hash);
  const m = /^#key=([0-9a-f]{16,128})$/.exec(location.hash);
  if (!m) return;
  localStorage.setItem(STORE, m[1]);
  history.replaceState(null, '', location.pathname + location.search);
}

export const sessionKey = () => localStorage.getItem(STORE) || '';
