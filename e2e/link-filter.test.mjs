// The pure link selection of "Archive all links", run in Node without a browser.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isArchivable, linksToArchive } from '../extension/link-filter.js';

test('keeps http and https links, resolved, without fragments, in page order', () => {
  const page = 'https://news.test/front?day=1';
  const got = linksToArchive(page, [
    'https://a.test/1', '/2', 'http://b.test/3#c', 'mailto:x@y.test', 'javascript:void(0)',
    'ftp://f.test/x', 'data:text/html,hi', 'chrome://settings', 'http://',
  ]);
  assert.deepEqual(got, ['https://a.test/1', 'https://news.test/2', 'http://b.test/3']);
});

test('folds duplicates and fragment variants of one address together', () => {
  const got = linksToArchive('https://p.test/', ['https://a.test/x', 'https://a.test/x#one', 'https://a.test/x#two', 'https://a.test/x']);
  assert.deepEqual(got, ['https://a.test/x']);
});

test('drops same-page anchors, with or without the page address', () => {
  const page = 'https://p.test/article?id=7#intro';
  const got = linksToArchive(page, ['#top', 'https://p.test/article?id=7#notes', '?id=7', 'https://p.test/article?id=8']);
  assert.deepEqual(got, ['https://p.test/article?id=8']);
});

test('only http and https are archivable', () => {
  assert.equal(isArchivable('https://x.test/'), true);
  assert.equal(isArchivable('HTTP://X.TEST/'), true);
  assert.equal(isArchivable('file:///etc/passwd'), false);
  assert.equal(isArchivable('chrome-extension://abc/options.html'), false);
  assert.equal(isArchivable(''), false);
});
