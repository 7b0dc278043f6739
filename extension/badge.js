// The toolbar badge and its tooltip, per tab: what happened to the last thing saved from it.
// Text: "…" sending, a number = saves still in progress, "✓" all archived, "!" failed,
// "wait" = kept in the browser until the service can be reached.

const COLORS = { busy: '#3367d6', done: '#188038', failed: '#d93025', waiting: '#80868b' };

async function show(tabId, text, title, color) {
  const target = Number.isInteger(tabId) && tabId >= 0 ? { tabId } : {};
  try {
    await chrome.action.setBadgeBackgroundColor({ ...target, color });
    await chrome.action.setBadgeText({ ...target, text });
    await chrome.action.setTitle({ ...target, title: `pagekeep: ${title}` });
  } catch {
    // the tab was closed meanwhile: nothing to show it on
  }
}

export function sending(tabId, label) {
  return show(tabId, '…', `sending ${label}`, COLORS.busy);
}

export function waiting(tabId, label, reason, count) {
  return show(tabId, 'wait', `waiting to send ${label} (${count} waiting in the browser; retried automatically): ${reason}`, COLORS.waiting);
}

export function failed(tabId, label, reason) {
  return show(tabId, '!', `failed ${label}: ${reason}`, COLORS.failed);
}

/** Shows a job (one click's saves) from its recorded states. */
export function job(j) {
  const ids = j.saveIds;
  const states = ids.map((id) => j.states[id] || 'queued');
  const left = states.filter((s) => s !== 'done' && s !== 'failed').length;
  const failedIds = ids.filter((id) => j.states[id] === 'failed');
  const via = j.via === 'http' ? ' (via HTTP)' : '';
  if (left > 0) {
    const verb = states.every((s) => s === 'queued') ? 'queued' : 'archiving';
    const what = ids.length === 1 ? j.label : `${ids.length} links from ${j.label}, ${left} left`;
    return show(j.tabId, String(left), `${verb} ${what}${via}`, COLORS.busy);
  }
  if (failedIds.length > 0) {
    const reasons = failedIds.slice(0, 3).map((id) => j.errors[id] || 'unknown reason').join('; ');
    const what = ids.length === 1 ? j.label : `${failedIds.length} of ${ids.length} links from ${j.label}`;
    return show(j.tabId, '!', `failed ${what}: ${reasons}`, COLORS.failed);
  }
  const what = ids.length === 1 ? j.label : `${ids.length} links from ${j.label}`;
  return show(j.tabId, '✓', `archived ${what}`, COLORS.done);
}
