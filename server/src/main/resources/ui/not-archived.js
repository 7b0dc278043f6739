// "Archive it now" on the page /web/{url} shows for a URL with no capture (NotArchivedPage): queues
// a save (source "ui"), follows it (queued, fetching, done) and opens the capture when it is done.
// Shown only where scripts run: never inside the sandboxed replay frame.

import { KEY_HEADER, sessionKey } from './session.js';

const box = document.getElementById('pagekeep-archive-now'); // absent for an address that is not http(s)
const button = document.getElementById('pagekeep-archive-button');
const progress = document.getElementById('pagekeep-archive-progress');
const bar = document.getElementById('pagekeep-archive-bar');
const state = document.getElementById('pagekeep-archive-state');
const url = box && box.dataset.url;
const POLL_MS = 500;

// What each state of a save means here, and how far along the bar it is (of 3).
const STEPS = {
  queued: [1, 'Queued: pagekeep will fetch it in a moment…'],
  fetching: [2, 'Fetching the page and what it needs (stylesheets, images, fonts)…'],
  done: [3, 'Archived. Opening the capture…'],
};

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { Accept: 'application/json', [KEY_HEADER]: sessionKey(), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = (res.headers.get('Content-Type') || '').startsWith('application/json') ? await res.json() : null;
  if (res.status === 401) throw new Error('Your session has ended: open the archive again with a fresh login link (pagekeep open prints one).');
  if (!res.ok) {
    const rejected = data && data.error && data.error.rejected;
    throw new Error((rejected && rejected[0] && rejected[0].error) || (data && data.error && data.error.message) || `HTTP ${res.status}`);
  }
  return data;
}

function show(text, step, isError) {
  progress.hidden = false;
  state.textContent = text;
  state.classList.toggle('error', Boolean(isError));
  bar.hidden = Boolean(isError);
  if (step === null) bar.removeAttribute('value'); else bar.value = step;
}

async function follow(id) {
  for (;;) {
    const save = await api('GET', `/api/saves/${id}`);
    if (save.state === 'done' && save.snapshot) {
      show(STEPS.done[1], STEPS.done[0]);
      location.replace(save.snapshot.replay);
      return;
    }
    if (save.state === 'failed') {
      show(`It could not be archived: ${save.error || 'unknown reason'}`, 0, true);
      button.textContent = 'Try again';
      button.onclick = () => retry(id);
      button.disabled = false;
      return;
    }
    if (save.state === 'needs-browser') {
      show(`The site showed pagekeep a wall (${save.error || 'a login, paywall or bot check'}). `
        + 'The browser extension archives it the next time your browser runs; it is listed under Needs browser.', 0, true);
      return;
    }
    const [step, text] = STEPS[save.state] || [null, `State: ${save.state}…`];
    show(text + (save.attempts > 1 ? ` (attempt ${save.attempts})` : ''), step);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function run(start) {
  button.disabled = true;
  show('Queuing…', null);
  try {
    await follow(await start());
  } catch (e) {
    show(e.message, 0, true);
    button.disabled = false;
  }
}

function retry(id) {
  return run(async () => (await api('POST', `/api/saves/${id}/retry`)).id);
}

if (box) {
  button.onclick = () => run(async () => (await api('POST', '/api/saves', { url, source: 'ui' })).saves[0].id);
  box.hidden = false;
}
