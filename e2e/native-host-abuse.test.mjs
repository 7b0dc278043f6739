// The real native host process (the launcher install-host writes, running the real jar), fed
// hostile input on stdin: every reply must be a well-formed frame, and the host must end.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pagekeep, requirePrerequisites, teardown, tempDir } from './harness.mjs';

const MAX_INCOMING = 64 * 1024 * 1024;

function frame(body) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const header = Buffer.alloc(4);
  header.writeUInt32LE(bytes.length);
  return Buffer.concat([header, bytes]);
}

/** Splits stdout into frames; fails on any byte that is not part of a complete frame of JSON. */
function parseFrames(out) {
  const replies = [];
  let at = 0;
  while (at < out.length) {
    assert.ok(out.length - at >= 4, `stray bytes on stdout at ${at}`);
    const n = out.readUInt32LE(at);
    assert.ok(n <= 1024 * 1024, `a reply of ${n} bytes`);
    assert.ok(at + 4 + n <= out.length, 'a cut-off reply on stdout');
    replies.push(JSON.parse(out.subarray(at + 4, at + 4 + n).toString('utf8')));
    at += 4 + n;
  }
  return replies;
}

describe('native host under abuse', { timeout: 180000 }, () => {
  let root;
  let launcher;

  before(async () => {
    requirePrerequisites();
    root = tempDir('abuse');
    await pagekeep(['install-host', '--user-data-dir', path.join(root, 'profile'), '--data', path.join(root, 'data')]);
    launcher = path.join(root, 'profile', 'NativeMessagingHosts', 'pagekeep-native-host');
  });

  after(() => teardown(root));

  /** Runs the host with `input` on stdin; resolves with {code, replies, stderr}; fails if it hangs. */
  function runHost(input, { timeoutMs = 60000 } = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(launcher, ['chrome-extension://jajhiedogdgfbfhklbcligfhocfhfepg/'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, PAGEKEEP_PORT: '0' },
      });
      const out = [];
      let stderr = '';
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the host hung (stderr: ${stderr.slice(-500)})`));
      }, timeoutMs);
      child.on('exit', (code) => {
        clearTimeout(timer);
        try {
          resolve({ code, replies: parseFrames(Buffer.concat(out)), stderr });
        } catch (e) {
          reject(e);
        }
      });
      child.stdin.on('error', () => {}); // the host may exit before reading everything
      child.stdin.end(input);
    });
  }

  const codes = (replies) => replies.map((r) => (r.ok ? 'ok' : r.error.code));

  test('a flood of 5000 mixed messages gets one reply each and a clean exit', async () => {
    const parts = [];
    for (let i = 0; i < 5000; i++) {
      if (i % 50 === 7) parts.push(frame('{"id":' + i + ',"type":'));
      else if (i % 50 === 8) parts.push(frame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
      else if (i % 10 === 9) parts.push(frame(JSON.stringify({ id: i, type: 'drop-tables' })));
      else parts.push(frame(JSON.stringify({ id: i, type: 'ping', note: 'ünïcödé ✓ 東京' })));
    }
    const { code, replies } = await runHost(Buffer.concat(parts));
    assert.equal(code, 0);
    assert.equal(replies.length, 5000);
    const count = (c) => codes(replies).filter((x) => x === c).length;
    assert.equal(count('bad_json'), 100);
    assert.equal(count('bad_utf8'), 100);
    assert.equal(count('unknown_type'), 500);
    assert.equal(count('ok'), 4300);
    const ids = new Set(replies.filter((r) => r.id !== null).map((r) => r.id));
    assert.equal(ids.size, 4800, 'every readable request is answered under its own id');
  });

  test('an oversize frame is skipped with too_large and the next request is served', async () => {
    const big = Buffer.alloc(MAX_INCOMING + 1, 0x20);
    const input = Buffer.concat([frame(big), frame('{"id":"after","type":"ping"}')]);
    const { code, replies } = await runHost(input);
    assert.equal(code, 0);
    assert.deepEqual(codes(replies), ['too_large', 'ok']);
    assert.equal(replies[1].id, 'after');
  });

  test('a truncated header gets one error reply and a non-zero exit', async () => {
    const { code, replies } = await runHost(Buffer.from([0x10, 0x00]));
    assert.equal(code, 1);
    assert.deepEqual(codes(replies), ['truncated']);
  });

  test('a body shorter than its header says gets one error reply and a non-zero exit', async () => {
    const header = Buffer.alloc(4);
    header.writeUInt32LE(1000);
    const { code, replies } = await runHost(Buffer.concat([header, Buffer.from('{"id":1,"type":"ping"')]));
    assert.equal(code, 1);
    assert.deepEqual(codes(replies), ['truncated']);
  });

  test('fixed-seed random bytes end the host without a hang or a stray byte', async () => {
    let seed = 0x5eed1234;
    const random = () => {
      seed ^= seed << 13; seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5; seed >>>= 0;
      return seed / 2 ** 32;
    };
    for (let trial = 0; trial < 20; trial++) {
      const parts = [];
      for (let i = 0; i < 30; i++) {
        const r = random();
        if (r < 0.5) parts.push(frame(JSON.stringify({ id: i, type: random() < 0.5 ? 'ping' : 'x' })));
        else if (r < 0.8) parts.push(frame(Buffer.from(Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)))));
        else parts.push(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * 256))));
      }
      // eslint-disable-next-line no-await-in-loop
      const { code, replies } = await runHost(Buffer.concat(parts));
      assert.ok(code === 0 || code === 1, `exit ${code}`);
      for (const c of codes(replies)) {
        assert.ok(['ok', 'truncated', 'too_large', 'bad_utf8', 'bad_json', 'bad_request', 'unknown_type'].includes(c), c);
      }
    }
  });
});
