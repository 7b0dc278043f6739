// The pure link selection of "Archive all links", run in Node without a browser.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isArchivable, linksToArchive, opensAsPage } from '../extension/link-filter.js';

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

test('background tabs are for pages: links to files go to the service', () => {
  for (const page of ['https://a.test/', 'https://a.test/post/42', 'https://a.test/index.html', 'https://a.test/x.php?f=a.pdf', 'https://a.test/a.pdf#x']) {
    assert.equal(opensAsPage(page), !page.includes('a.pdf#'), page);
  }
  for (const file of ['https://a.test/paper.PDF', 'https://a.test/dist/app.tar.gz', 'https://a.test/i/logo.png', 'https://a.test/feed.xml']) {
    assert.equal(opensAsPage(file), false, file);
  }
  assert.equal(opensAsPage('not a url'), false);
});
