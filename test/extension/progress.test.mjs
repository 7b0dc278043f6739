// progress.js: a click's saves ("job") are kept in chrome.storage.local and followed until each is
// done or failed, on the tab's badge; an unreachable service changes nothing.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { FakeHost, installChrome, restart, worker } from './chrome-fake.mjs';

let host;
let sw;
let progress;
let states; // what the service says about each save id

beforeEach(async () => {
  states = {};
  host = new FakeHost((m) => {
    if (m.type !== 'status') throw Object.assign(new Error('unexpected'), { code: 'bad_request' });
    return { saves: m.saveIds.map((id) => ({ id, ...(states[id] || { state: 'unknown', error: 'no save ' + id }) })) };
  });
  installChrome({ host });
  sw = await worker();
  progress = await sw.load('progress.js');
});

afterEach(async () => {
  (await sw.load('transport.js')).disconnectNative();
  installChrome({ host: new FakeHost() }); // no jobs left: the poll timer finds nothing and stops
});

const badge = async (tabId) => [await chrome.action.getBadgeText({ tabId }), await chrome.action.getTitle({ tabId })];
const saves = (...ids) => ids.map((id) => ({ id, state: 'queued' }));

test('a job is kept in storage with its saves and shows how many are left', async () => {
  states = { 1: { state: 'queued' }, 2: { state: 'queued' } };
  const job = await progress.track({ saves: saves(1, 2), tabId: 5, label: 'front page', via: 'native' });
  const { jobs } = await chrome.storage.local.get('jobs');
  assert.deepEqual(jobs[job.id].saveIds, [1, 2]);
  assert.deepEqual(jobs[job.id].states, { 1: 'queued', 2: 'queued' });
  assert.equal(jobs[job.id].finishedAt, null);
  assert.deepEqual(await badge(5), ['2', 'pagekeep: queued 2 links from front page, 2 left']);
  assert.equal(progress.hasUnfinished(await progress.jobs()), true);
});

test('polls move the badge from left-to-do to archived, and the job finishes', async () => {
  states = { 1: { state: 'done' }, 2: { state: 'fetching' } };
  await progress.track({ saves: saves(1, 2), tabId: 5, label: 'front page', via: 'http' });
  assert.equal(await progress.poll(), true);
  assert.deepEqual(await badge(5), ['1', 'pagekeep: archiving 2 links from front page, 1 left (via HTTP)']);
  states[2] = { state: 'done' };
  assert.equal(await progress.poll(), false);
  assert.deepEqual(await badge(5), ['✓', 'pagekeep: archived 2 links from front page']);
  const [job] = Object.values(await progress.jobs());
  assert.equal(typeof job.finishedAt, 'number');
  assert.equal(progress.hasUnfinished(await progress.jobs()), false);
});

test('a failed save shows "!" with the service\'s reason; a save the service does not know counts as failed', async () => {
  states = { 1: { state: 'failed', error: 'HTTP 404 from the site' } };
  await progress.track({ saves: saves(1), tabId: 6, label: 'a.test/x' });
  assert.equal(await progress.poll(), false);
  assert.deepEqual(await badge(6), ['!', 'pagekeep: failed a.test/x: HTTP 404 from the site']);
  await progress.track({ saves: saves(9), tabId: 7, label: 'gone' }); // states has no 9: "unknown"
  assert.equal(await progress.poll(), false);
  assert.deepEqual(await badge(7), ['!', 'pagekeep: failed gone: no save 9']);
});

test('while the service cannot be reached a poll changes nothing and says to try again', async () => {
  await progress.track({ saves: saves(1), tabId: 5, label: 'a.test' });
  host.answer = () => { throw Object.assign(new Error('down'), { code: 'service_unavailable' }); };
  const before = await progress.jobs();
  assert.equal(await progress.poll(), true);
  assert.deepEqual(await progress.jobs(), before);
  assert.equal((await badge(5))[0], '1');
});

test('a job survives a restart of the worker and the new worker finishes it', async () => {
  states = { 1: { state: 'queued' } };
  await progress.track({ saves: saves(1), tabId: 5, label: 'a.test' });
  restart();
  sw = await worker();
  progress = await sw.load('progress.js');
  states[1] = { state: 'done' };
  assert.equal(await progress.poll(), false);
  assert.equal((await badge(5))[0], '✓');
});

test('an answer with no saves is not tracked', async () => {
  const job = await progress.track({ saves: [], tabId: 5, label: 'nothing' });
  assert.deepEqual(job.saveIds, []);
  assert.deepEqual(await progress.jobs(), {});
  assert.equal((await badge(5))[0], '');
});

test('finished jobs are forgotten after ten minutes; unfinished ones after a day', async () => {
  const now = Date.now();
  await chrome.storage.local.set({ jobs: {
    old: { id: 'old', tabId: 1, label: 'old', saveIds: [1], states: { 1: 'done' }, errors: {}, createdAt: now - 20 * 60000, finishedAt: now - 11 * 60000 },
    recent: { id: 'recent', tabId: 1, label: 'recent', saveIds: [2], states: { 2: 'done' }, errors: {}, createdAt: now - 60000, finishedAt: now - 60000 },
    stale: { id: 'stale', tabId: 1, label: 'stale', saveIds: [3], states: { 3: 'queued' }, errors: {}, createdAt: now - 25 * 3600000, finishedAt: null },
  } });
  states = { 3: { state: 'queued' } };
  assert.equal(await progress.poll(), false);
  assert.deepEqual(Object.keys(await progress.jobs()), ['recent']);
});

test('many saves are asked about in batches of 100', async () => {
  const ids = Array.from({ length: 250 }, (_, i) => i + 1);
  for (const id of ids) states[id] = { state: 'done' };
  await progress.track({ saves: saves(...ids), tabId: 5, label: 'bookmarks' });
  assert.equal(await progress.poll(), false);
  const asked = host.received.filter((m) => m.type === 'status').slice(0, 3).map((m) => m.saveIds.length);
  assert.deepEqual(asked, [100, 100, 50]);
  assert.equal((await badge(5))[0], '✓');
});
