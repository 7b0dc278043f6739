// Delivers outbox items to the service and reports the outcome on the badge. The same path
// serves a fresh click and a retry, so a retried save behaves exactly like the first try.

import * as badge from './badge.js';
import * as outbox from './outbox.js';
import * as progress from './progress.js';
import { asSaveError } from './save-error.js';
import { getSettings } from './settings.js';
import { call } from './transport.js';

export const RETRY_ALARM = 'pagekeep-retry';
const inFlight = new Set(); // keys being sent by this worker right now; a dead worker sends nothing
let flushing = null; // the running flush, so two triggers do not send the same items twice

/** Keeps the request in the outbox, then sends it. Resolves with {state, ...}; never rejects. */
export async function submit(request, { tabId, label, owner }) {
  const item = await outbox.add({ request, tabId, label, owner });
  const result = await deliver(item);
  if (result.state === 'queued' && (await outbox.list()).length > 0) flush(); // the service is back: send the rest
  return result;
}

export async function deliver(item) {
  if (inFlight.has(item.key)) return { state: 'sending' };
  inFlight.add(item.key);
  try {
    const { via, result } = await call('save', item.request);
    await outbox.remove(item.key);
    const saves = result.saves || [];
    await progress.track({ saves, tabId: item.tabId, label: item.label, via, owner: item.owner });
    return { state: 'queued', via, saves };
  } catch (e) {
    const error = asSaveError(e);
    if (error.retryable) {
      await outbox.recordAttempt(item.key, error.message);
      const waiting = (await outbox.list()).length;
      await badge.waiting(item.tabId, item.label, error.message, waiting, item.owner);
      await ensureRetryAlarm();
      return { state: 'waiting', reason: error.message, code: error.reason };
    }
    await outbox.remove(item.key);
    await outbox.recordFailure(item, error.message);
    await badge.failed(item.tabId, item.label, error.message, item.owner);
    return { state: 'failed', reason: error.message, code: error.reason };
  } finally {
    inFlight.delete(item.key);
  }
}

/** Sends what waits in the outbox, oldest first; stops at the first save that must wait again. */
export function flush() {
  if (!flushing) {
    flushing = (async () => {
      const results = [];
      try {
        for (const item of await outbox.list()) {
          const r = await deliver(item);
          results.push(r);
          if (r.state === 'waiting') break;
        }
        await ensureRetryAlarm();
      } finally {
        flushing = null;
      }
      return results;
    })();
  }
  return flushing;
}

/** The retry alarm runs while saves wait or jobs are unfinished, and is cleared otherwise. */
export async function ensureRetryAlarm() {
  const needed = (await outbox.list()).length > 0 || progress.hasUnfinished(await progress.jobs());
  const existing = await chrome.alarms.get(RETRY_ALARM);
  if (!needed) {
    if (existing) await chrome.alarms.clear(RETRY_ALARM);
    return;
  }
  const { retryPeriodMinutes } = await getSettings();
  if (!existing || existing.periodInMinutes !== retryPeriodMinutes) {
    await chrome.alarms.create(RETRY_ALARM, { delayInMinutes: retryPeriodMinutes, periodInMinutes: retryPeriodMinutes });
  }
}

/** What the retry alarm does: deliver waiting saves, then refresh progress. */
export async function onRetryAlarm() {
  const results = await flush();
  const unfinished = await progress.poll();
  if (unfinished) progress.schedule();
  await ensureRetryAlarm();
  return results;
}
