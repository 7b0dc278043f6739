// Transport fallbacks: no native host (HTTP with a token), and no service at all (the save waits
// in chrome.storage and the retry alarm delivers it once the service is back).

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SCRIPTED_PAGE } from './fixtures.mjs';
import {
  badge, clickToolbar, fixtureServer, freePort, openTab, outbox, presetToken, replayed, serviceInfo,
  setSettings, startService, startWorld, teardown, waitFor,
} from './harness.mjs';

const PAGE = ['text/html; charset=utf-8', SCRIPTED_PAGE];
const FAST_RETRY = { retryPeriodMinutes: 0.05 }; // 3 s; unpacked extensions may use short alarm periods

describe('transport fallbacks', { timeout: 300000 }, () => {
  let site;
  const cleanups = [];

  before(async () => {
    site = await fixtureServer({ '/a.html': PAGE, '/b.html': PAGE, '/c.html': PAGE, '/d.html': PAGE });
  });

  after(() => teardown(...cleanups.reverse(), site));

  test('without the native host, a save waits until a token is pasted, then goes over HTTP', async () => {
    const world = await startWorld({ installHost: false });
    cleanups.push(() => world.close());
    const port = await freePort();
    const service = await startService(world.data, port);
    cleanups.push(() => service.stop());
    const { token } = serviceInfo(world.data);

    const { tabId } = await openTab(world, site.url('/a.html'));
    const first = await clickToolbar(world, tabId);
    assert.equal(first.state, 'waiting', JSON.stringify(first));
    assert.equal(first.code, 'not-paired');
    assert.match(first.reason, /host/);
    assert.equal((await badge(world, tabId)).text, 'wait');
    assert.equal((await outbox(world)).length, 1);

    // Pair the way a person does: the options page, with the token pasted from the data directory.
    const options = await world.context.newPage();
    await options.goto(`chrome-extension://${world.extensionId}/options.html`);
    await waitFor('the host state', async () => (await options.textContent('#host-state')).startsWith('Not available'));
    await options.fill('#base-url', `http://127.0.0.1:${port}`);
    await options.fill('#token', token);
    await options.click('#http-form button[type=submit]');
    await waitFor('the options page to connect', async () => (await options.textContent('#http-state')) === 'Connected.');

    // Saving the settings retried the waiting save.
    const html = await waitFor('the waiting save to arrive', () => replayed(world.data, site.url('/a.html')));
    assert.match(html, /dom-written-after-load/);
    await waitFor('an empty outbox', async () => (await outbox(world)).length === 0);

    const { tabId: tabB } = await openTab(world, site.url('/b.html'));
    const second = await clickToolbar(world, tabB);
    assert.equal(second.state, 'queued', JSON.stringify(second));
    assert.equal(second.via, 'http');
    await waitFor('the HTTP save', () => replayed(world.data, site.url('/b.html')));
  });

  test('when the service is down, the save waits in the browser and is delivered once it is back', async () => {
    const world = await startWorld({ installHost: false });
    cleanups.push(() => world.close());
    const port = await freePort();
    presetToken(world.data, 'e2e-token-0123456789abcdef0123456789abcdef');
    await setSettings(world, { baseUrl: `http://127.0.0.1:${port}`, token: 'e2e-token-0123456789abcdef0123456789abcdef', ...FAST_RETRY });

    const { tabId } = await openTab(world, site.url('/c.html'));
    const result = await clickToolbar(world, tabId);
    assert.equal(result.state, 'waiting', JSON.stringify(result));
    assert.equal(result.code, 'unreachable');
    const waiting = await badge(world, tabId);
    assert.equal(waiting.text, 'wait');
    assert.match(waiting.title, /unreachable/);

    // The alarm retries, and the save stays while the service is away.
    const retried = await waitFor('two more attempts', async () => {
      const items = await outbox(world);
      return items.length === 1 && items[0].attempts >= 3 ? items[0] : null;
    }, { timeoutMs: 30000 });
    assert.ok(retried.request.html.includes('dom-written-after-load'), 'the captured DOM waits with the save');

    const service = await startService(world.data, port);
    cleanups.push(() => service.stop());
    const html = await waitFor('the retried save to arrive', () => replayed(world.data, site.url('/c.html')));
    assert.match(html, /dom-written-after-load/);
    await waitFor('an empty outbox', async () => (await outbox(world)).length === 0);
    await waitFor('the badge to say done', async () => (await badge(world, tabId)).text === '✓');
  });

  test('with the native host, a service that cannot start keeps the save until it can', async () => {
    // The store cannot be opened (archive.db is a directory), so the host's `serve` fails to start.
    // (A busy port no longer stops it: an autostarted service then takes a free port, DaemonIT.)
    const world = await startWorld({ installHost: true });
    cleanups.push(() => world.close());
    await setSettings(world, FAST_RETRY);
    const blocker = path.join(world.data, 'archive.db');
    mkdirSync(blocker, { recursive: true });

    const { tabId } = await openTab(world, site.url('/d.html'));
    const result = await clickToolbar(world, tabId);
    assert.equal(result.state, 'waiting', JSON.stringify(result));
    assert.equal(result.code, 'unreachable');
    assert.equal((await outbox(world)).length, 1);
    assert.equal((await badge(world, tabId)).text, 'wait');

    rmSync(blocker, { recursive: true, force: true });
    const html = await waitFor('the save to arrive through the host', () => replayed(world.data, site.url('/d.html')), { timeoutMs: 90000 });
    assert.match(html, /dom-written-after-load/);
    await waitFor('an empty outbox', async () => (await outbox(world)).length === 0);
  });
});
