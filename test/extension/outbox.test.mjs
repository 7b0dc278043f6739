// outbox.js: a save is kept in chrome.storage.local from before it is sent until the service
// acknowledged it, across restarts of the service worker.

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { fresh, installChrome, restart } from './chrome-fake.mjs';

const request = (url) => ({ url, source: 'toolbar', title: 'T', html: '<p>hi</p>' });

beforeEach(() => installChrome());

test('a save added is listed with what it needs for a retry, nothing attempted yet', async () => {
  const outbox = await fresh('outbox.js');
  const item = await outbox.add({ request: request('https://a.test/'), tabId: 7, label: 'a.test', owner: 'o1' });
  assert.match(item.key, /^[0-9a-z]+-[0-9a-z]+$/);
  const [listed] = await outbox.list();
  assert.deepEqual(listed, item);
  assert.deepEqual(listed.request, request('https://a.test/'));
  assert.equal(listed.attempts, 0);
  assert.equal(listed.lastError, null);
  assert.equal(listed.tabId, 7);
  assert.deepEqual((await chrome.storage.local.get('outbox')).outbox, [item]); // in storage, not in memory
});

test('a save stays across a restart of the worker until it is removed (acknowledged)', async () => {
  let outbox = await fresh('outbox.js');
  const a = await outbox.add({ request: request('https://a.test/'), tabId: 1, label: 'a' });
  const b = await outbox.add({ request: request('https://b.test/'), tabId: 1, label: 'b' });
  restart();
  outbox = await fresh('outbox.js');
  assert.deepEqual((await outbox.list()).map((i) => i.request.url), ['https://a.test/', 'https://b.test/']);
  await outbox.remove(a.key);
  restart();
  outbox = await fresh('outbox.js');
  assert.deepEqual((await outbox.list()).map((i) => i.key), [b.key]);
});

test('saves added at the same moment are all kept (no lost update)', async () => {
  const outbox = await fresh('outbox.js');
  const urls = Array.from({ length: 20 }, (_, i) => `https://x.test/${i}`);
  const items = await Promise.all(urls.map((url) => outbox.add({ request: request(url), tabId: 1, label: url })));
  assert.equal(new Set(items.map((i) => i.key)).size, 20);
  assert.deepEqual((await outbox.list()).map((i) => i.request.url).sort(), urls.slice().sort());
  // ... and removed at the same moment, all go.
  await Promise.all(items.slice(0, 15).map((i) => outbox.remove(i.key)));
  assert.equal((await outbox.list()).length, 5);
});

test('an attempt is counted on its save only, with the last error', async () => {
  const outbox = await fresh('outbox.js');
  const a = await outbox.add({ request: request('https://a.test/'), label: 'a' });
  const b = await outbox.add({ request: request('https://b.test/'), label: 'b' });
  await outbox.recordAttempt(a.key, 'service unreachable');
  await outbox.recordAttempt(a.key, 'still unreachable');
  const [a2, b2] = await outbox.list();
  assert.equal(a2.attempts, 2);
  assert.equal(a2.lastError, 'still unreachable');
  assert.equal(b2.attempts, 0);
  assert.equal(b2.lastError, null);
});

test('removing an unknown key changes nothing', async () => {
  const outbox = await fresh('outbox.js');
  await outbox.add({ request: request('https://a.test/'), label: 'a' });
  await outbox.remove('no-such-key');
  assert.equal((await outbox.list()).length, 1);
});

test('refused saves are remembered for the options page, newest first, the last 20', async () => {
  const outbox = await fresh('outbox.js');
  assert.deepEqual(await outbox.failures(), []);
  for (let i = 0; i < 25; i++) await outbox.recordFailure({ label: `page ${i}` }, `reason ${i}`);
  const failures = await outbox.failures();
  assert.equal(failures.length, 20);
  assert.equal(failures[0].label, 'page 24');
  assert.equal(failures[0].reason, 'reason 24');
  assert.equal(failures[19].label, 'page 5');
  assert.equal(typeof failures[0].at, 'number');
});
