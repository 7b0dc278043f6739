// native-client.js: requests to the native host over one long-lived port, matched to replies by id,
// with the host's failures turned into SaveErrors that say whether to retry.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { FakeHost, installChrome, NO_ANSWER } from './chrome-fake.mjs';
import { HOST_NAME, NativeClient, PART_CHARS } from '../../extension/native-client.js';
import { Reason, SaveError } from '../../extension/save-error.js';

let host;
let client;

beforeEach(() => {
  host = new FakeHost((m) => ({ echo: m.type, n: m.n }));
  installChrome({ host });
  client = new NativeClient();
});

afterEach(() => client.disconnect());

const rejectsWith = (promise, reason, pattern) => assert.rejects(promise, (e) => {
  assert.ok(e instanceof SaveError, String(e));
  assert.equal(e.reason, reason, e.message);
  if (pattern) assert.match(e.message, pattern);
  return true;
});

test('requests share one port to dev.pagekeep.host and each gets its own reply', async () => {
  assert.equal(HOST_NAME, 'dev.pagekeep.host');
  const replies = await Promise.all([1, 2, 3].map((n) => client.request('status', { n })));
  assert.deepEqual(replies, [{ echo: 'status', n: 1 }, { echo: 'status', n: 2 }, { echo: 'status', n: 3 }]);
  assert.equal(host.connects, 1);
  assert.deepEqual(host.received.map((m) => [m.type, m.n]), [['status', 1], ['status', 2], ['status', 3]]);
  assert.equal(new Set(host.received.map((m) => m.id)).size, 3);
});

test('replies that come back out of order reach the request they answer', async () => {
  const held = [];
  host.answer = (m) => new Promise((resolve) => { held.push(() => resolve({ n: m.n })); });
  const a = client.request('status', { n: 'a' });
  const b = client.request('status', { n: 'b' });
  while (held.length < 2) await new Promise((r) => setImmediate(r));
  held[1]();
  held[0]();
  assert.deepEqual(await Promise.all([a, b]), [{ n: 'a' }, { n: 'b' }]);
});

test('a host that is not installed is host-missing (the caller falls back to HTTP)', async () => {
  host.installed = false;
  await rejectsWith(client.request('save', { url: 'https://a.test/' }), Reason.HOST_MISSING, /not found/);
});

test('a host that exits fails what it was asked as unreachable, and the next request starts it again', async () => {
  host.answer = () => NO_ANSWER;
  const pending = client.request('save', { url: 'https://a.test/' });
  while (host.received.length < 1) await new Promise((r) => setImmediate(r));
  host.exit('Native host has exited.');
  await rejectsWith(pending, Reason.UNREACHABLE, /pagekeep host: Native host has exited/);
  host.answer = () => ({ ok: 1 });
  assert.deepEqual(await client.request('status', {}), { ok: 1 });
  assert.equal(host.connects, 2);
});

test('a host that does not answer in time fails the request as unreachable', async () => {
  client = new NativeClient({ timeoutMs: 50 });
  host.answer = () => NO_ANSWER;
  await rejectsWith(client.request('save', { url: 'https://a.test/' }), Reason.UNREACHABLE, /did not answer "save" in 0.05 s/);
});

test('error replies: a busy or unavailable service is retried, a refusal is not', async () => {
  const fail = (code, status) => () => { throw Object.assign(new Error(`${code} says no`), { code, status }); };
  for (const [code, status, reason] of [
    ['service_unavailable', undefined, Reason.UNREACHABLE],
    ['busy', undefined, Reason.UNREACHABLE],
    ['service_error', 503, Reason.UNREACHABLE],
    ['service_error', 400, Reason.REJECTED],
    ['invalid_url', undefined, Reason.REJECTED],
  ]) {
    host.answer = fail(code, status);
    await rejectsWith(client.request('save', { url: 'https://a.test/' }), reason, new RegExp(`^${code} says no$`));
  }
});

test('a save larger than one frame goes in ordered parts that rebuild its JSON; the last part answers', async () => {
  const payload = { url: 'https://big.test/', html: 'x'.repeat(PART_CHARS + 10), title: 'Big', source: 'toolbar' };
  host.answer = (m) => (m.index === m.count - 1 ? { saves: [{ id: 9, state: 'queued' }] } : { part: m.index });
  const result = await client.request('save', payload);
  assert.deepEqual(result, { saves: [{ id: 9, state: 'queued' }] });
  assert.deepEqual(host.received.map((m) => [m.type, m.index, m.count]), [['save-part', 0, 2], ['save-part', 1, 2]]);
  assert.equal(new Set(host.received.map((m) => m.upload)).size, 1);
  assert.equal(host.received.map((m) => m.data).join(''), JSON.stringify(payload));
});

test('a part never ends inside a surrogate pair', async () => {
  // '{"html":"' is 9 characters: a leading 'a' puts an emoji's two halves across the cut.
  const payload = { html: 'a'.repeat(PART_CHARS - 10) + '\u{1F600}'.repeat(10) };
  const text = JSON.stringify(payload);
  assert.ok(text.charCodeAt(PART_CHARS) >= 0xdc00 && text.charCodeAt(PART_CHARS) <= 0xdfff); // the naive cut would split
  host.answer = () => ({});
  await client.request('save', payload);
  const parts = host.received.map((m) => m.data);
  assert.equal(parts.join(''), text);
  for (const p of parts) assert.doesNotThrow(() => encodeURIComponent(p)); // a lone surrogate throws URIError
});
