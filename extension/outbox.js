// Saves the user asked for, kept in chrome.storage.local until the service acknowledged them.
// A save is written here before it is sent, so neither a dead worker nor a missing service
// loses it; an alarm retries what is left.

import { withStorageLock } from './storage-lock.js';

const KEY = 'outbox';
const FAILURES = 'failures';
const MAX_FAILURES = 20;

export async function list() {
  const { [KEY]: items } = await chrome.storage.local.get(KEY);
  return items || [];
}

export function add({ request, tabId, label, owner }) {
  const item = {
    key: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    request,
    tabId,
    label,
    owner,
    createdAt: Date.now(),
    attempts: 0,
    lastError: null,
  };
  return withStorageLock(async () => {
    await chrome.storage.local.set({ [KEY]: [...(await list()), item] });
    return item;
  });
}

export function remove(key) {
  return withStorageLock(async () => {
    await chrome.storage.local.set({ [KEY]: (await list()).filter((i) => i.key !== key) });
  });
}

export function recordAttempt(key, error) {
  return withStorageLock(async () => {
    const items = (await list()).map((i) => (i.key === key ? { ...i, attempts: i.attempts + 1, lastError: error } : i));
    await chrome.storage.local.set({ [KEY]: items });
  });
}

/** Remembers a save the service refused for good, for the options page. */
export function recordFailure(item, reason) {
  return withStorageLock(async () => {
    const { [FAILURES]: failures } = await chrome.storage.local.get(FAILURES);
    const next = [{ label: item.label, reason, at: Date.now() }, ...(failures || [])].slice(0, MAX_FAILURES);
    await chrome.storage.local.set({ [FAILURES]: next });
  });
}

export async function failures() {
  const { [FAILURES]: items } = await chrome.storage.local.get(FAILURES);
  return items || [];
}
