// The web UI's twin of dev.pagekeep.model.WaybackUrl (server/src/main/resources/ui/wayback.js): the
// same addresses read and written the same way (WaybackUrlTest holds the Java side of these cases).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatWayback, framedUrl, MODIFIERS, parseWayback } from '../server/src/main/resources/ui/wayback.js';

test('reads timestamp, modifier and URL, query included', () => {
  assert.deepEqual(parseWayback('/web/20260101120000mp_/https://example.org/a/b?q=1&r=2'),
    { timestamp: '20260101120000', modifier: 'mp_', url: 'https://example.org/a/b?q=1&r=2' });
  assert.deepEqual(parseWayback('20260101120000IM_/http://x/'), { timestamp: '20260101120000', modifier: 'im_', url: 'http://x/' });
  for (const modifier of MODIFIERS) {
    const w = { timestamp: '2026', modifier, url: 'http://x/' };
    assert.deepEqual(parseWayback(formatWayback(w)), w);
  }
});

test('without a timestamp it is the newest, in the replay page', () => {
  assert.deepEqual(parseWayback('/web/https://example.org/'), { timestamp: null, modifier: '', url: 'https://example.org/' });
  assert.equal(framedUrl('https://example.org/'), '/web/https://example.org/');
  assert.equal(framedUrl('http://x/p', '20260101120000'), '/web/20260101120000/http://x/p');
  assert.throws(() => formatWayback({ modifier: 'mp_', url: 'http://x/' }), /needs a timestamp/);
  assert.throws(() => formatWayback({ timestamp: '2026', modifier: 'xx_', url: 'http://x/' }), /unknown modifier/);
});

test('unknown modifiers read as the page alone; what is not a timestamp is URL', () => {
  assert.equal(parseWayback('20260101120000zz_/http://x/').modifier, 'mp_');
  assert.deepEqual(parseWayback('123/http://x/'), { timestamp: null, modifier: '', url: '123/http://x/' });
  assert.equal(parseWayback('abc_/http://x/').timestamp, null);
  assert.equal(parseWayback('20261399000000/http://x/').timestamp, null, 'month 13');
  assert.equal(parseWayback('20260132000000/http://x/').timestamp, null, 'day 32');
});

test('collapsed scheme slashes are repaired', () => {
  assert.equal(parseWayback('20260101120000/https:/example.org/a').url, 'https://example.org/a');
  assert.equal(parseWayback('http:/example.org/').url, 'http://example.org/');
  assert.equal(parseWayback('https://example.org//a//b').url, 'https://example.org//a//b');
});
