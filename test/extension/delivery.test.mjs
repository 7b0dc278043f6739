// delivery.js: a save is kept in the outbox, sent, and then either followed (the service took it),
// kept for the retry alarm (a transient failure) or dropped with its reason (a refusal). Each test
// is a new service worker (fresh module instances) over a fresh chrome.*.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { FakeHost, installChrome, NO_ANSWER, restart, worker } from './chrome-fake.mjs';

let host;
let sw; // this test's worker: its modules
let delivery;
let outbox;
let nextId;

/** The service behind the host: takes saves (ids from 100) and says each is done when asked. */
function service(m) {
  if (m.type === 'save') return { saves: [{ id: nextId++, url: m.url, state: 'queued' }] };
  if (m.type === 'status') return { saves: m.saveIds.map((id) => ({ id, state: 'done' })) };
  throw Object.assign(new Error(`unexpected ${m.type}`), { code: 'bad_request' });
}
const unavailable = () => { throw Object.assign(new Error('the pagekeep service is not running'), { code: 'service_unavailable' }); };
const saves = () => host.received.filter((m) => m.type === 'save');

async function startWorker() {
  sw = await worker();
  delivery = await sw.load('delivery.js');
  outbox = await sw.load('outbox.js');
}

beforeEach(async () => {
  nextId = 100;
  host = new FakeHost(service);
  installChrome({ host });
  await startWorker();
});

afterEach(async () => {
  (await sw.load('transport.js')).disconnectNative();
  installChrome({ host: new FakeHost() }); // no jobs left: a poll timer still set finds nothing and stops
});

async function until(what, fn) {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const request = (url) => ({ url, html: '<p>hi</p>', title: url, source: 'toolbar' });

test('a save the service takes leaves the outbox and its badge follows it until archived', async () => {
  const r = await delivery.submit(request('https://a.test/'), { tabId: 3, label: 'a.test' });
  assert.equal(r.state, 'queued');
  assert.equal(r.via, 'native');
  assert.deepEqual(r.saves, [{ id: 100, url: 'https://a.test/', state: 'queued' }]);
  assert.deepEqual(await outbox.list(), []);
  const { jobs } = await chrome.storage.local.get('jobs');
  assert.deepEqual(Object.values(jobs).map((j) => j.saveIds), [[100]]);
  assert.equal(await chrome.action.getBadgeText({ tabId: 3 }), '1');
  await until('the badge to say archived', async () => (await chrome.action.getBadgeText({ tabId: 3 })) === '✓');
  assert.equal(await chrome.action.getTitle({ tabId: 3 }), 'pagekeep: archived a.test');
});

test('a transient failure keeps the save with its attempt and error, shows "wait" and sets the retry alarm', async () => {
  host.answer = unavailable;
  await chrome.storage.local.set({ settings: { retryPeriodMinutes: 2 } });
  const r = await delivery.submit(request('https://a.test/'), { tabId: 3, label: 'a.test' });
  assert.deepEqual(r, { state: 'waiting', reason: 'the pagekeep service is not running', code: 'unreachable' });
  const [kept] = await outbox.list();
  assert.equal(kept.request.url, 'https://a.test/');
  assert.equal(kept.attempts, 1);
  assert.equal(kept.lastError, 'the pagekeep service is not running');
  const alarm = await chrome.alarms.get(delivery.RETRY_ALARM);
  assert.equal(alarm.periodInMinutes, 2); // retried at the period the settings give, until it goes
  assert.equal(await chrome.action.getBadgeText({ tabId: 3 }), 'wait');
  assert.match(await chrome.action.getTitle({ tabId: 3 }), /waiting to send a\.test \(1 waiting in the browser; retried automatically\): the pagekeep service is not running/);
  // Still down at the next alarm: one more attempt, still kept.
  await delivery.onRetryAlarm();
  assert.equal((await outbox.list())[0].attempts, 2);
  // The service is back: the alarm sends it, and once it is archived the alarm is cleared.
  host.answer = service;
  const results = await delivery.onRetryAlarm();
  assert.deepEqual(results.map((x) => x.state), ['queued']);
  assert.deepEqual(await outbox.list(), []);
  assert.equal(saves().length, 3);
  await until('the retry alarm to be cleared', async () => {
    await delivery.onRetryAlarm();
    return !(await chrome.alarms.get(delivery.RETRY_ALARM));
  });
  assert.equal(await chrome.action.getBadgeText({ tabId: 3 }), '✓');
});

test('a refusal drops the save, remembers why for the options page, and shows "!"', async () => {
  host.answer = () => { throw Object.assign(new Error('not an http(s) URL: ftp://a.test/'), { code: 'invalid_url' }); };
  const r = await delivery.submit(request('ftp://a.test/'), { tabId: 4, label: 'ftp://a.test/' });
  assert.deepEqual(r, { state: 'failed', reason: 'not an http(s) URL: ftp://a.test/', code: 'rejected' });
  assert.deepEqual(await outbox.list(), []);
  const [failure] = await outbox.failures();
  assert.equal(failure.label, 'ftp://a.test/');
  assert.equal(failure.reason, 'not an http(s) URL: ftp://a.test/');
  assert.equal(await chrome.action.getBadgeText({ tabId: 4 }), '!');
  assert.equal(await chrome.action.getTitle({ tabId: 4 }), 'pagekeep: failed ftp://a.test/: not an http(s) URL: ftp://a.test/');
  assert.equal(await chrome.alarms.get(delivery.RETRY_ALARM), undefined);
  assert.equal(saves().length, 1); // never again
});

test('a save kept when the worker stopped is sent by the next worker\'s retry alarm, once', async () => {
  // The worker stops right after keeping the save, before sending it.
  await outbox.add({ request: request('https://a.test/'), tabId: 3, label: 'a.test' });
  assert.equal(saves().length, 0);
  restart();
  await startWorker();
  const results = await delivery.onRetryAlarm();
  assert.deepEqual(results.map((x) => x.state), ['queued']);
  assert.deepEqual(saves().map((m) => m.url), ['https://a.test/']);
  assert.deepEqual(await outbox.list(), []);
});

test('waiting saves go oldest first, and a flush stops at the first that must wait again', async () => {
  for (const u of ['https://a.test/1', 'https://a.test/2', 'https://a.test/3']) await outbox.add({ request: request(u), tabId: 3, label: u });
  host.answer = unavailable;
  const down = await delivery.flush();
  assert.deepEqual(down.map((x) => x.state), ['waiting']);
  assert.deepEqual(saves().map((m) => m.url), ['https://a.test/1']);
  assert.equal((await outbox.list()).length, 3);
  host.answer = service;
  host.received.length = 0;
  const up = await delivery.flush();
  assert.deepEqual(up.map((x) => x.state), ['queued', 'queued', 'queued']);
  assert.deepEqual(saves().map((m) => m.url), ['https://a.test/1', 'https://a.test/2', 'https://a.test/3']);
});

test('triggers at the same moment send each waiting save once', async () => {
  for (const u of ['https://a.test/1', 'https://a.test/2']) await outbox.add({ request: request(u), tabId: 3, label: u });
  await Promise.all([delivery.flush(), delivery.flush(), delivery.onRetryAlarm()]);
  assert.deepEqual(saves().map((m) => m.url), ['https://a.test/1', 'https://a.test/2']);
  assert.deepEqual(await outbox.list(), []);
});

test('a save being sent is not sent again by a retry meanwhile', async () => {
  let release;
  host.answer = (m) => (m.type === 'save' ? new Promise((r) => { release = () => r(service(m)); }) : service(m));
  const first = delivery.submit(request('https://a.test/'), { tabId: 3, label: 'a.test' });
  await until('the host to get the save', () => saves().length === 1);
  const [item] = await outbox.list();
  assert.deepEqual(await delivery.deliver(item), { state: 'sending' });
  release();
  assert.equal((await first).state, 'queued');
  assert.equal(saves().length, 1);
});

test('a host that never answers leaves the save kept (nothing is dropped)', async () => {
  host.answer = () => NO_ANSWER;
  const item = await outbox.add({ request: request('https://a.test/'), tabId: 3, label: 'a.test' });
  const sending = delivery.deliver(item);
  await until('the host to get the save', () => saves().length === 1);
  host.exit('Native host has exited.');
  const r = await sending;
  assert.equal(r.state, 'waiting');
  assert.equal(r.code, 'unreachable');
  assert.equal((await outbox.list())[0].lastError, 'pagekeep host: Native host has exited.');
});
