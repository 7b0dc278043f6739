// pagekeep: archived pages are served on their own origin (http://localhost:PORT/c/{capability}/...),
// which holds no credential of the web UI or the API. A browser that asks the UI's origin for one
// (a bookmark, the extension, a link in the UI) gets this page: it asks the API, with the session's
// key that only the UI's pages hold, for the same path under a fresh capability, and goes there.
import { adoptKeyFromLogin, sessionKey } from './session.js';

adoptKeyFromLogin(); // a login link with next=/web/... lands here with the session's key in the fragment

const note = document.getElementById('bounce');
try {
  const res = await fetch('/api/replay-links', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Pagekeep-Key': sessionKey() },
    body: JSON.stringify({ path: location.pathname + location.search }),
  });
  const data = (res.headers.get('Content-Type') || '').startsWith('application/json') ? await res.json() : null;
  if (!res.ok) throw new Error(data && data.error ? data.error.message : 'HTTP ' + res.status);
  location.replace(data.url + location.hash);
} catch (e) {
  note.textContent = 'This archived page cannot be opened: ' + e.message
    + '. Log in with a fresh login link (pagekeep open, or Open archive in the extension), then open it again.';
}
