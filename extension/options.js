// The options page: shows whether the native host and the service answer, pairs the HTTP
// fallback (through the host or with a pasted token) and lists saves that wait or failed.

import { HttpClient } from './http-client.js';
import * as outbox from './outbox.js';
import { getSettings, updateSettings } from './settings.js';
import { callNative } from './transport.js';

const $ = (id) => document.getElementById(id);

async function showHost() {
  try {
    const pong = await callNative('ping');
    $('host-state').dataset.state = 'ok';
    $('host-state').textContent = `Installed (pagekeep ${pong.version}, protocol ${pong.protocol}); `
      + `service ${pong.serviceRunning ? 'running' : 'not running (it starts on the first save)'}.`;
    $('host-hint').hidden = true;
  } catch (e) {
    $('host-state').dataset.state = 'missing';
    $('host-state').textContent = `Not available: ${e.message}`;
    $('host-hint').hidden = false;
  }
}

async function showSettings() {
  const s = await getSettings();
  $('base-url').value = s.baseUrl;
  $('token').value = s.token;
  $('http-only').checked = s.transport === 'http';
  $('browser-capture').checked = s.browserCapture;
  $('max-browser-tabs').value = String(s.maxBrowserTabs);
}

async function saveLinkSettings() {
  const s = await updateSettings({ browserCapture: $('browser-capture').checked, maxBrowserTabs: $('max-browser-tabs').value });
  $('max-browser-tabs').value = String(s.maxBrowserTabs);
  $('links-state').textContent = s.browserCapture ? `Saved: links open in up to ${s.maxBrowserTabs} background tabs.` : 'Saved: the service fetches links.';
}

$('links-form').addEventListener('change', saveLinkSettings);
$('links-form').addEventListener('submit', (event) => {
  event.preventDefault();
  saveLinkSettings();
});

async function checkHttp() {
  const s = await getSettings();
  if (!s.token) {
    $('http-state').textContent = 'No token set.';
    return;
  }
  try {
    await new HttpClient(s.baseUrl, s.token, { timeoutMs: 5000 }).request('GET', '/api/stats');
    $('http-state').textContent = 'Connected.';
  } catch (e) {
    $('http-state').textContent = e.message;
  }
}

async function showOutbox() {
  const items = await outbox.list();
  $('outbox-state').textContent = items.length ? `${items.length} waiting; retried automatically.` : 'None.';
  $('outbox').replaceChildren(...items.map((i) => li(`${i.label}: ${i.lastError || 'not sent yet'} (${i.attempts} attempts)`)));
  const failures = await outbox.failures();
  $('failures').replaceChildren(...(failures.length
    ? failures.map((f) => li(`${new Date(f.at).toLocaleString()}: ${f.label}: ${f.reason}`))
    : [li('None.')]));
}

function li(text) {
  const el = document.createElement('li');
  el.textContent = text;
  return el;
}

$('http-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  await updateSettings({
    baseUrl: $('base-url').value,
    token: $('token').value,
    transport: $('http-only').checked ? 'http' : 'auto',
  });
  $('http-state').textContent = 'Saved; checking…';
  await checkHttp();
  await chrome.runtime.sendMessage({ type: 'flush' });
  await showOutbox();
});

$('pair').addEventListener('click', async () => {
  try {
    const pairing = await callNative('pair');
    await updateSettings({ baseUrl: pairing.baseUrl, token: pairing.token });
    await showSettings();
    $('http-state').textContent = 'Paired through the host.';
  } catch (e) {
    $('http-state').textContent = `Pairing failed: ${e.message}`;
  }
});

$('retry').addEventListener('click', async () => {
  await chrome.runtime.sendMessage({ type: 'flush' });
  await showOutbox();
});

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && (changes.outbox || changes.failures)) showOutbox();
});

showSettings().then(checkHttp);
showHost();
showOutbox();
