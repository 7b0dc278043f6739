// Follows the saves of each click ("job") until they are done or failed, and shows them on the
// badge. Jobs live in chrome.storage.local; a short timer polls while the worker is awake and the
// retry alarm resumes polling after the worker was killed.

import { forget } from './archived-tab.js';
import * as badge from './badge.js';
import { captureWaiting } from './tab-capture.js';
import { call } from './transport.js';
import { withStorageLock } from './storage-lock.js';

const KEY = 'jobs';
const POLL_MS = 1000;
const FORGET_FINISHED_MS = 10 * 60 * 1000;
const GIVE_UP_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;
const FINAL = new Set(['done', 'failed']);

let timer = null; // only schedules the next poll; losing it loses nothing

export async function jobs() {
  const { [KEY]: all } = await chrome.storage.local.get(KEY);
  return all || {};
}

/** Records a job from a 202 answer's saves and shows it. */
export async function track({ saves, tabId, label, via, owner }) {
  const job = {
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    tabId,
    label,
    via,
    owner,
    saveIds: saves.map((s) => s.id),
    states: Object.fromEntries(saves.map((s) => [s.id, s.state || 'queued'])),
    errors: {},
    createdAt: Date.now(),
    finishedAt: null,
  };
  if (job.saveIds.length === 0) return job;
  await withStorageLock(async () => chrome.storage.local.set({ [KEY]: { ...(await jobs()), [job.id]: job } }));
  await badge.job(job);
  schedule();
  return job;
}

export function hasUnfinished(all) {
  return Object.values(all).some((j) => !j.finishedAt);
}

/** Asks the service about every unfinished save once; returns true while some are unfinished. */
export async function poll() {
  const all = await jobs();
  const open = Object.values(all).filter((j) => !j.finishedAt);
  const ids = [...new Set(open.flatMap((j) => j.saveIds.filter((id) => !FINAL.has(j.states[id]))))];
  const answers = new Map();
  for (let i = 0; i < ids.length; i += BATCH) {
    try {
      const { result } = await call('status', { saveIds: ids.slice(i, i + BATCH) });
      for (const s of result.saves || []) answers.set(s.id, s);
    } catch {
      return true; // service unreachable right now: the badge keeps its last state, try later
    }
  }
  const changed = [];
  // A URL just archived has one more version than the lookup cache says.
  await Promise.all([...answers.values()].filter((s) => s.state === 'done' && s.url).map((s) => forget(s.url)));
  await withStorageLock(async () => {
    const current = await jobs();
    const now = Date.now();
    for (const job of Object.values(current)) {
      if (job.finishedAt) {
        if (now - job.finishedAt > FORGET_FINISHED_MS) delete current[job.id];
        continue;
      }
      let dirty = false;
      for (const id of job.saveIds) {
        const s = answers.get(id);
        if (!s || s.state === job.states[id]) continue;
        job.states[id] = s.state === 'unknown' ? 'failed' : s.state;
        if (s.error) job.errors[id] = s.error;
        dirty = true;
      }
      if (job.saveIds.every((id) => FINAL.has(job.states[id]))) {
        job.finishedAt = now;
        dirty = true;
      } else if (now - job.createdAt > GIVE_UP_MS) {
        delete current[job.id];
        continue;
      }
      if (dirty) changed.push(job);
    }
    await chrome.storage.local.set({ [KEY]: current });
  });
  await Promise.all(changed.map((j) => badge.job(j)));
  // A save the service could not fetch past a wall: the browser captures it (tab-capture.js).
  if (changed.some((j) => Object.values(j.states).includes('needs-browser'))) captureWaiting().catch(() => {});
  return hasUnfinished(await jobs());
}

export function schedule() {
  if (timer) return;
  timer = setTimeout(async () => {
    timer = null;
    if (await poll()) schedule();
  }, POLL_MS);
}
