// transport.js: the native host first; the HTTP API with the token when the host is missing (or
// when the user chose HTTP only). The HTTP side is a real server on 127.0.0.1 playing the service.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { FakeHost, installChrome } from './chrome-fake.mjs';
import { Reason, SaveError } from '../../extension/save-error.js';
import { call, callNative, disconnectNative } from '../../extension/transport.js';

let service; // the HTTP side: answers from `routes`, records every request
let routes;
let seen;
let host;

before(async () => {
  service = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      seen.push({ method: req.method, path: req.url, auth: req.headers.authorization, body: body ? JSON.parse(body) : null });
      const route = routes[`${req.method} ${req.url.split('?')[0]}`];
      const [status, json] = route ? route(req) : [404, { error: { code: 'not_found', message: 'no such save' } }];
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(json));
    });
  });
  service.listen(0, '127.0.0.1');
  await once(service, 'listening');
});

after(() => new Promise((r) => service.close(r)));

beforeEach(() => {
  seen = [];
  routes = { 'POST /api/saves': () => [202, { saves: [{ id: 5, state: 'queued' }] }] };
  host = new FakeHost((m) => ({ saves: [{ id: 1, state: 'queued' }], type: m.type }));
  installChrome({ host });
});

afterEach(() => disconnectNative());

const base = () => `http://127.0.0.1:${service.address().port}`;
const settings = (s) => chrome.storage.local.set({ settings: s });
const SAVE = { url: 'https://a.test/', html: '<p>hi</p>', title: 'A', source: 'toolbar', status: 200 };

const rejectsWith = (promise, reason, pattern) => assert.rejects(promise, (e) => {
  assert.ok(e instanceof SaveError, String(e));
  assert.equal(e.reason, reason, e.message);
  if (pattern) assert.match(e.message, pattern);
  return true;
});

test('with the host installed, a save goes to the host and nothing over HTTP', async () => {
  await settings({ baseUrl: base(), token: 'tok' });
  const { via, result } = await call('save', SAVE);
  assert.equal(via, 'native');
  assert.deepEqual(result.saves, [{ id: 1, state: 'queued' }]);
  assert.equal(host.received.length, 1);
  assert.equal(host.received[0].type, 'save');
  assert.equal(host.received[0].html, '<p>hi</p>');
  assert.deepEqual(seen, []);
});

test('without the host, a save falls back to POST /api/saves with the token', async () => {
  host.installed = false;
  await settings({ baseUrl: `${base()}/`, token: 'tok' });
  const { via, result } = await call('save', { ...SAVE, resources: [{ url: 'https://a.test/s.css', base64: 'YQ==' }] });
  assert.equal(via, 'http');
  assert.deepEqual(result, { saves: [{ id: 5, state: 'queued' }] });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].method, 'POST');
  assert.equal(seen[0].path, '/api/saves');
  assert.equal(seen[0].auth, 'Bearer tok');
  assert.deepEqual(seen[0].body, { ...SAVE, resources: [{ url: 'https://a.test/s.css', base64: 'YQ==' }] });
});

test('without the host and without a token, the error says both and is kept for a retry', async () => {
  host.installed = false;
  await settings({ baseUrl: base(), token: '' });
  await rejectsWith(call('save', SAVE), Reason.NOT_PAIRED, /pagekeep host: Specified native messaging host not found.*and no API token is set/);
  assert.deepEqual(seen, []);
});

test('a host that answers with an error does not fall back to HTTP (the save would go twice)', async () => {
  host.answer = () => { throw Object.assign(new Error('the service is not running'), { code: 'service_unavailable' }); };
  await settings({ baseUrl: base(), token: 'tok' });
  await rejectsWith(call('save', SAVE), Reason.UNREACHABLE, /not running/);
  assert.deepEqual(seen, []);
});

test('"HTTP only" never starts the host', async () => {
  await settings({ baseUrl: base(), token: 'tok', transport: 'http' });
  const { via } = await call('save', SAVE);
  assert.equal(via, 'http');
  assert.equal(host.connects, 0);
  assert.equal(seen.length, 1);
});

test('a batch of links is sent as urls', async () => {
  await settings({ baseUrl: base(), token: 'tok', transport: 'http' });
  await call('save', { urls: ['https://a.test/1', 'https://a.test/2'], source: 'links-on-page', title: 'Front' });
  assert.deepEqual(seen[0].body, { urls: ['https://a.test/1', 'https://a.test/2'], source: 'links-on-page', title: 'Front' });
});

test('HTTP answers become errors that say whether to retry', async () => {
  await settings({ baseUrl: base(), token: 'tok', transport: 'http' });
  const answer = (status, message) => { routes['POST /api/saves'] = () => [status, { error: { code: 'x', message } }]; };
  answer(401, 'bad token');
  await rejectsWith(call('save', SAVE), Reason.UNAUTHORIZED, /refused the API token \(bad token\); pair again/);
  answer(400, 'not an http(s) URL');
  await rejectsWith(call('save', SAVE), Reason.REJECTED, /^the service refused: not an http\(s\) URL$/);
  answer(507, 'the disk is full');
  await rejectsWith(call('save', SAVE), Reason.UNREACHABLE, /^the service failed: the disk is full$/);
});

test('a service that is not listening is unreachable', async () => {
  const closed = http.createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  await settings({ baseUrl: `http://127.0.0.1:${port}`, token: 'tok', transport: 'http' });
  await rejectsWith(call('save', SAVE), Reason.UNREACHABLE, new RegExp(`unreachable at http://127.0.0.1:${port}`));
});

test('status over HTTP asks for each save; one the service does not know is "unknown"', async () => {
  await settings({ baseUrl: base(), token: 'tok', transport: 'http' });
  routes['GET /api/saves/1'] = () => [200, { id: 1, state: 'done' }];
  const { result } = await call('status', { saveIds: [1, 2] });
  assert.deepEqual(result.saves, [{ id: 1, state: 'done' }, { id: 2, state: 'unknown', error: 'the service refused: no such save' }]);
  assert.deepEqual(seen.map((r) => r.path), ['/api/saves/1', '/api/saves/2']);
});

test('a request type the HTTP API does not have is refused', async () => {
  await settings({ baseUrl: base(), token: 'tok', transport: 'http' });
  await rejectsWith(call('pair', {}), Reason.REJECTED, /"pair" is not available over HTTP/);
});

test('callNative asks the host only, even with "HTTP only"', async () => {
  await settings({ baseUrl: base(), token: 'tok', transport: 'http' });
  const r = await callNative('status', {});
  assert.equal(r.type, 'status');
  assert.equal(host.connects, 1);
  assert.deepEqual(seen, []);
});
