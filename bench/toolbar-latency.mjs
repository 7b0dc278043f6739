#!/usr/bin/env node
// Time from the toolbar handler to "queued" on the badge, with the service already running, in
// a real Chromium with the real extension and the host installed by install-host.
//
//   node bench/toolbar-latency.mjs [clicks=40]
//
// Prints p50/p95 for:
//   warm, idle service  - the usual case: the native port is open (the host JVM runs) and the
//                         previous save has finished (each click waits for the badge's ✓)
//   warm, back-to-back  - clicks as fast as they return, while the service captures the earlier ones
//   cold host JVM       - the first click after the port was idle-closed: a new host JVM per click
// and, for reference, the same round trip outside the browser (spawn the launcher, one save).
// Needs server/target/pagekeep.jar and /usr/bin/chromium (or $CHROMIUM). Figures, not a test.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fixtureServer, openTab, startWorld, waitFor, serviceInfo } from '../e2e/harness.mjs';

const CLICKS = Number(process.argv[2] || 40);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function report(name, ms) {
  const f = (x) => `${x.toFixed(0)} ms`;
  console.log(`${name.padEnd(34)} n=${String(ms.length).padEnd(4)} p50 ${f(percentile(ms, 50)).padEnd(8)} p95 ${f(percentile(ms, 95)).padEnd(8)} max ${f(Math.max(...ms))}`);
}

/** One toolbar click on tabId, timed inside the service worker (no test-driver overhead). */
function timedClick(world, tabId, { coldHost }) {
  return world.evaluate(async ({ id, coldHost: cold }) => {
    if (cold) self.pagekeep.disconnectNative();
    const tab = await chrome.tabs.get(id);
    const t0 = performance.now();
    const result = await self.pagekeep.onActionClicked(tab);
    const ms = performance.now() - t0;
    const badge = await chrome.action.getBadgeText({ tabId: id });
    return { ms, state: result.state, badge };
  }, { id: tabId, coldHost });
}

function hostRoundTrip(launcher, url) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(launcher, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const body = Buffer.from(JSON.stringify({ id: 1, type: 'save', url, source: 'api' }));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length);
    let out = Buffer.alloc(0);
    child.stdout.on('data', (d) => {
      out = Buffer.concat([out, d]);
      if (out.length >= 4 && out.length >= 4 + out.readUInt32LE(0)) {
        const ms = performance.now() - t0;
        const reply = JSON.parse(out.subarray(4, 4 + out.readUInt32LE(0)));
        child.stdin.end();
        if (!reply.ok) reject(new Error(JSON.stringify(reply.error)));
        else resolve(ms);
      }
    });
    child.stdin.write(Buffer.concat([header, body]));
  });
}

const page = '<!doctype html><title>bench</title><p>' + 'Some article text. '.repeat(2000) + '</p>';
const site = await fixtureServer({ '/page.html': ['text/html', page] });
const world = await startWorld({ installHost: true });
try {
  const { tabId } = await openTab(world, site.url('/page.html'));
  // Start the service (and the host) once; not timed.
  const first = await timedClick(world, tabId, { coldHost: false });
  if (first.state !== 'queued') throw new Error(`warm-up save did not queue: ${JSON.stringify(first)}`);
  console.log(`first click (starts the host JVM and the service): ${first.ms.toFixed(0)} ms`);
  console.log(`page DOM: ${(page.length / 1024).toFixed(0)} KiB; clicks per series: ${CLICKS}`);

  const series = [
    ['toolbar -> queued, warm, idle service', { coldHost: false, settle: true }],
    ['toolbar -> queued, warm, back-to-back', { coldHost: false, settle: false }],
    ['toolbar -> queued, cold host JVM', { coldHost: true, settle: true }],
  ];
  for (const [name, { coldHost, settle }] of series) {
    const ms = [];
    for (let i = 0; i < CLICKS; i++) {
      const r = await timedClick(world, tabId, { coldHost });
      if (r.state !== 'queued' || !/^\d+$/.test(r.badge)) throw new Error(`click ${i}: ${JSON.stringify(r)}`);
      ms.push(r.ms);
      if (settle) {
        await waitFor('the save to finish', async () => (await world.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId)) === '✓');
      }
    }
    report(name, ms);
  }

  const launcher = path.join(world.profile, 'NativeMessagingHosts', 'pagekeep-native-host');
  const ms = [];
  for (let i = 0; i < Math.min(CLICKS, 20); i++) ms.push(await hostRoundTrip(launcher, site.url(`/page.html?cli=${i}`)));
  report('host process spawn + save (no browser)', ms);
  await waitFor('service info', () => serviceInfo(world.data));
} finally {
  await world.close();
  await site.close();
}
