// Reads pagekeep's WARC or WACZ export with Webrecorder's warcio.js (a WARC reader nobody here
// wrote) and checks it: every record parses, every response's WARC-Payload-Digest (SHA-1, base32)
// is the SHA-1 of the payload warcio.js reads, every revisit refers to a record id seen before; for
// a WACZ, also the SHA-256 and size of each file datapackage.json lists, and that of
// datapackage.json in datapackage-digest.json, and that each CDXJ line's offset and length land on
// a record of that URL.
//
// warcio.js is not a dependency of pagekeep; install it anywhere and point WARCIO_DIR at it:
//   npm install --prefix /tmp/warciojs warcio@2.4.11
//   WARCIO_DIR=/tmp/warciojs node bench/warcio-check.mjs archive.warc.gz   (or archive.wacz)

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(path.join(process.env.WARCIO_DIR || process.cwd(), 'node_modules', 'x.js'));
const { WARCParser } = require('warcio');

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(buf) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

async function checkWarc(file) {
  const counts = {};
  const ids = new Set();
  const problems = [];
  const offsets = new Map();
  const parser = new WARCParser(createReadStream(file));
  for await (const record of parser) {
    const type = record.warcType;
    counts[type] = (counts[type] || 0) + 1;
    ids.add(record.warcHeader('WARC-Record-ID'));
    offsets.set(parser.offset, record.warcTargetURI);
    if (type === 'response') {
      const payload = await record.readFully(false);
      const want = record.warcHeader('WARC-Payload-Digest');
      const got = 'sha1:' + base32(createHash('sha1').update(payload).digest());
      if (want !== got) problems.push(`${record.warcTargetURI}: payload digest ${want} but the payload hashes to ${got}`);
    } else if (type === 'revisit') {
      const to = record.warcHeader('WARC-Refers-To');
      if (!ids.has(to)) problems.push(`${record.warcTargetURI}: revisit refers to ${to}, not seen before`);
      await record.readFully(false);
    } else {
      await record.readFully(false);
    }
  }
  return { counts, problems, offsets };
}

const target = process.argv[2];
if (!target) {
  console.error('usage: WARCIO_DIR=DIR node bench/warcio-check.mjs FILE.warc.gz|FILE.wacz');
  process.exit(2);
}
let warc = target;
let tmp = null;
const problems = [];
let cdxLines = 0;
if (target.endsWith('.wacz')) {
  tmp = mkdtempSync(path.join(tmpdir(), 'warcio-check-'));
  execFileSync('unzip', ['-q', target, '-d', tmp]);
  const pkg = JSON.parse(readFileSync(path.join(tmp, 'datapackage.json'), 'utf8'));
  for (const r of pkg.resources) {
    const bytes = readFileSync(path.join(tmp, r.path));
    const hash = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
    if (hash !== r.hash) problems.push(`${r.path}: datapackage.json says ${r.hash}, file hashes to ${hash}`);
    if (bytes.length !== r.bytes) problems.push(`${r.path}: datapackage.json says ${r.bytes} bytes, file has ${bytes.length}`);
  }
  const digest = JSON.parse(readFileSync(path.join(tmp, 'datapackage-digest.json'), 'utf8'));
  const pkgHash = 'sha256:' + createHash('sha256').update(readFileSync(path.join(tmp, 'datapackage.json'))).digest('hex');
  if (digest.hash !== pkgHash) problems.push(`datapackage-digest.json says ${digest.hash}, datapackage.json hashes to ${pkgHash}`);
  warc = path.join(tmp, 'archive', 'data.warc.gz');
}
const result = await checkWarc(warc);
problems.push(...result.problems);
if (tmp) {
  for (const line of readFileSync(path.join(tmp, 'indexes', 'index.cdxj'), 'utf8').split('\n')) {
    if (!line) continue;
    cdxLines++;
    const json = JSON.parse(line.slice(line.indexOf('{')));
    const at = result.offsets.get(Number(json.offset));
    if (at !== json.url) problems.push(`CDXJ ${json.url} at offset ${json.offset}: the record there is ${at}`);
  }
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${path.basename(target)} (${statSync(target).size} bytes): records ${JSON.stringify(result.counts)}`
  + (cdxLines ? `, ${cdxLines} CDXJ lines` : '') + `, ${problems.length} problems`);
for (const p of problems.slice(0, 20)) console.log('  ' + p);
process.exit(problems.length ? 1 : 0);
