// The service worker. Every listener is registered here, synchronously at top level, so events
// that wake the worker find them. No state lives in globals: see settings.js, outbox.js and
// progress.js for what is kept in chrome.storage.

import { saveTab } from './actions.js';
import * as archivedTab from './archived-tab.js';
import { ensureRetryAlarm, flush, onRetryAlarm, RETRY_ALARM } from './delivery.js';
import { createMenus, onMenuClicked } from './menus.js';
import * as progress from './progress.js';
import * as tabCapture from './tab-capture.js';
import { disconnectNative } from './transport.js';

// On a page that is gone with an archived copy on offer, the button opens that copy (the context
// menu's "Archive this page" still saves what the tab shows).
async function onActionClicked(tab) {
  if (await archivedTab.offerFor(tab.id, tab.url)) return archivedTab.openOffer(tab.id);
  return saveTab(tab, 'toolbar');
}

chrome.action.onClicked.addListener(onActionClicked);
chrome.webNavigation.onCommitted.addListener(archivedTab.onCommitted);
chrome.webNavigation.onErrorOccurred.addListener(archivedTab.onErrorOccurred);
chrome.webNavigation.onDOMContentLoaded.addListener(archivedTab.onDOMContentLoaded);
chrome.notifications.onClicked.addListener(archivedTab.onNotificationClicked);
chrome.notifications.onButtonClicked.addListener((id) => archivedTab.onNotificationClicked(id));
chrome.tabs.onRemoved.addListener(archivedTab.onTabRemoved);
chrome.contextMenus.onClicked.addListener(onMenuClicked);

chrome.runtime.onInstalled.addListener(async () => {
  await createMenus();
  await ensureRetryAlarm();
  await tabCapture.ensureBrowserAlarm();
});

chrome.runtime.onStartup.addListener(async () => {
  await tabCapture.ensureBrowserAlarm();
  await onRetryAlarm();
  await tabCapture.captureWaiting();
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === RETRY_ALARM) return onRetryAlarm();
  if (alarm.name === tabCapture.BROWSER_ALARM) return tabCapture.onBrowserAlarm();
  return undefined;
});

// A worker that starts finds the background-tab captures a stopped worker left: their tabs are
// closed and the captures start again (tab-capture.js).
tabCapture.resume();

// The options page asks the worker to retry now (it shares the outbox with the alarm).
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !message || message.type !== 'flush') return false;
  flush().then(sendResponse, (e) => sendResponse({ error: e.message }));
  return true;
});

// Exactly what a click calls, for the end-to-end tests (they run code in this worker).
// disconnectNative does what the idle timeout does (the benchmark uses it to time a cold host).
self.pagekeep = Object.freeze({
  onActionClicked, onMenuClicked, onRetryAlarm, flush, poll: progress.poll, disconnectNative,
  onBrowserAlarm: tabCapture.onBrowserAlarm, resumeTabCaptures: tabCapture.resume, tabCaptures: tabCapture.inFlight,
  onNotificationClicked: archivedTab.onNotificationClicked, offerFor: archivedTab.offerFor, lookup: archivedTab.lookup,
});
