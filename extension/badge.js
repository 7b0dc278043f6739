// The toolbar badge and its tooltip, per tab: what happened to the last thing saved from it.
// Text: "…" sending, a number = saves still in progress, "✓" all archived, "!" failed,
// "wait" = kept in the browser until the service can be reached. After a navigation, a purple
// number is how many versions of the page the archive has; an orange one offers the archived copy
// of a page that is gone (archived-tab.js).

const COLORS = { busy: '#3367d6', done: '#188038', failed: '#d93025', waiting: '#80868b', archived: '#7b1fa2', offer: '#e8710a' };
const OWNERS = 'badgeOwners'; // tabId -> the latest click on that tab, in chrome.storage.session

/**
 * Starts a new click on a tab: from now on only news about this click may change the tab's badge,
 * so an older save finishing late cannot hide the newer one. Returns the click's owner token.
 */
export async function claim(tabId) {
  const owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  if (Number.isInteger(tabId) && tabId >= 0) {
    const { [OWNERS]: owners } = await chrome.storage.session.get(OWNERS);
    await chrome.storage.session.set({ [OWNERS]: { ...(owners || {}), [tabId]: owner } });
  }
  return owner;
}

async function isCurrent(tabId, owner) {
  if (!owner || !Number.isInteger(tabId) || tabId < 0) return true;
  const { [OWNERS]: owners } = await chrome.storage.session.get(OWNERS);
  return !owners || !owners[tabId] || owners[tabId] === owner;
}

async function show(tabId, text, title, color, owner) {
  const target = Number.isInteger(tabId) && tabId >= 0 ? { tabId } : {};
  try {
    if (!(await isCurrent(tabId, owner))) return;
    await chrome.action.setBadgeBackgroundColor({ ...target, color });
    await chrome.action.setBadgeText({ ...target, text });
    await chrome.action.setTitle({ ...target, title: `pagekeep: ${title}` });
  } catch {
    // the tab was closed meanwhile: nothing to show it on
  }
}

/** Claims the tab's badge for a new click and shows "sending"; returns the owner token. */
export async function sending(tabId, label) {
  const owner = await claim(tabId);
  await show(tabId, '…', `sending ${label}`, COLORS.busy, owner);
  return owner;
}

export function waiting(tabId, label, reason, count, owner) {
  return show(tabId, 'wait', `waiting to send ${label} (${count} waiting in the browser; retried automatically): ${reason}`, COLORS.waiting, owner);
}

export function failed(tabId, label, reason, owner) {
  return show(tabId, '!', `failed ${label}: ${reason}`, COLORS.failed, owner);
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
    return show(j.tabId, String(left), `${verb} ${what}${via}`, COLORS.busy, j.owner);
  }
  if (failedIds.length > 0) {
    const reasons = failedIds.slice(0, 3).map((id) => j.errors[id] || 'unknown reason').join('; ');
    const what = ids.length === 1 ? j.label : `${failedIds.length} of ${ids.length} links from ${j.label}`;
    return show(j.tabId, '!', `failed ${what}: ${reasons}`, COLORS.failed, j.owner);
  }
  const what = ids.length === 1 ? j.label : `${ids.length} links from ${j.label}`;
  return show(j.tabId, '✓', `archived ${what}`, COLORS.done, j.owner);
}

/**
 * The archive has the page this tab shows: the badge is its number of versions (purple, so it is
 * not read as saves in progress), the tooltip says when the newest is from and whether the live
 * page was found gone. Shown on navigation; a click's news replaces it.
 */
export function archived(tabId, versions, timestamp, gone) {
  const newest = timestamp ? ` (newest ${timestamp.slice(0, 4)}-${timestamp.slice(4, 6)}-${timestamp.slice(6, 8)})` : '';
  const title = `archived, ${versions === 1 ? '1 version' : `${versions} versions`}${newest}`
    + `${gone ? '; the link checker found the live page gone' : ''}. Click to save it again`;
  return show(tabId, versions > 999 ? '999+' : String(versions), title, COLORS.archived);
}

/** The page is gone and the archive has it: the badge offers the archived copy (a click opens it). */
export function offer(tabId, versions, title) {
  return show(tabId, versions > 999 ? '999+' : String(versions), title, COLORS.offer);
}
