// Watches in a real Chromium against the real service (the jar): a feed with links is followed,
// the Watches screen shows each watch's last check, next check and what it added; a re-captured page
// that changed is listed under "Changed since you saved it" with a link to what changed, and its
// timeline says how often it was checked unchanged. Screenshots go to test-artifacts/ui/. Each test
// opens its own logged-in tab: either runs alone.
//
// Needs: server/target/pagekeep.jar (mvn -B package -DskipTests), /usr/bin/chromium, playwright-core.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchChromium, nextSecond, pagesServer, serveJar, shootScreen, teardown, tempDir, waitFor, withLoggedInTab } from './harness.mjs';

const html = (title, text) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

describe('watches in the web UI', { timeout: 180000 }, () => {
  let site, svc, browser, data, feedWatch, pageWatch;

  before(async () => {
    data = tempDir('watches');
    site = await pagesServer();
    site.set('/post/1', 'text/html', html('First post', 'It links to a reference.'));
    site.set('/ref/a', 'text/html', html('A reference', 'Cited by the first post.'));
    site.set('/feed', 'application/feed+json', JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1', title: 'A blog',
      items: [{ id: '1', url: site.url('/post/1'), title: 'First post', content_html: `<a href="${site.url('/ref/a')}">a reference</a>` }],
    }));
    site.set('/prices', 'text/html', html('Prices', 'Apples cost 3 euros.'));
    svc = await serveJar(data);
    feedWatch = await svc.call('POST', '/api/watches', { url: site.url('/feed'), links: true, every: '6h' });
    pageWatch = await svc.call('POST', '/api/watches', { url: site.url('/prices'), recapture: true });
    await waitFor('the first checks', async () => (await svc.call('GET', '/api/watches')).watches.every(w => w.lastCheck));
    await svc.idle();
    await svc.call('POST', `/api/watches/${pageWatch.id}/check`); // unchanged
    site.set('/prices', 'text/html', html('Prices', 'Apples cost 5 euros.'));
    await nextSecond(); // the new version a second later
    await svc.call('POST', `/api/watches/${pageWatch.id}/check`); // changed
    await svc.idle();
    browser = await launchChromium();
  });

  after(() => teardown(browser, svc, site, data));

  const withTab = (body) => withLoggedInTab(browser, svc, body);

  test('the Watches screen shows each watch with its last and next check and what it added', () => withTab(async (tab) => {
    await tab.goto(svc.base + '/#/watches');
    const row = tab.locator(`[data-watch="${feedWatch.id}"]`);
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text, /A blog/);
    assert.match(text, /json, with links · every 6h/);
    assert.match(text, /last check: .*\(1 new entry, 2 queued\)/);
    assert.match(text, /next check: /);
    assert.match(text, /added 2 URLs in all/);
    await row.locator('summary').click();
    assert.deepEqual(await row.locator('details li a').allTextContents(), [site.url('/post/1'), site.url('/ref/a')]);
    await shootScreen(tab, '11-watches');

    await row.getByRole('button', { name: 'Check now' }).click();
    await tab.waitForFunction(id => /nothing new/.test(document.querySelector(`[data-watch="${id}"]`).textContent), feedWatch.id);
  }));

  test('a re-captured page that changed is listed with what changed, and its timeline says it was checked unchanged', () => withTab(async (tab) => {
    await tab.goto(svc.base + '/#/watches');
    const change = tab.locator('#changes .row').first();
    await change.waitFor();
    assert.equal(await change.locator('.title').textContent(), site.url('/prices'));
    assert.match(await tab.textContent('#view'), /Changed since you saved it/);
    await shootScreen(tab, '12-changes');
    const diff = change.locator('a.diff');
    await diff.waitFor();
    // the UI's link goes through the bounce page to the replay origin: wait for that page, not the bounce
    await Promise.all([tab.waitForURL(/^http:\/\/localhost:\d+\/c\/[^/]+\/diff\/\d{14}\/\d{14}\//), diff.click()]);
    const body = await tab.textContent('body');
    assert.match(body, /Apples cost 3 euros/);
    assert.match(body, /Apples cost 5 euros/);

    await tab.goto(svc.base + '/#/watches');
    await tab.locator('#changes .row .title').first().click();
    await tab.waitForSelector('.checks');
    assert.match(await tab.textContent('.checks'), /Checked, unchanged: 1 time/);
    assert.equal(await tab.locator('#view ol.rows .row').count(), 2);
    await shootScreen(tab, '12-changes-timeline');
  }));
});
