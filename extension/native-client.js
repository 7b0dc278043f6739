// Client for the native host dev.pagekeep.host over one long-lived port (connectNative), so the
// JVM starts once and later saves cost one round trip. The port is a cache, not state: when the
// worker dies or the host exits, the next request connects again.

import { Reason, SaveError } from './save-error.js';

export const HOST_NAME = 'dev.pagekeep.host';
const IDLE_DISCONNECT_MS = 5 * 60 * 1000; // let the host exit (and the worker sleep) when unused
// A save whose JSON is longer than this goes as "save-part" messages (PROTOCOL.md): a part stays
// far below the 64 MiB frame limit even when every character takes 3 bytes and is escaped.
export const PART_CHARS = 4 * 1024 * 1024;
const MAX_PARTS = 64;
const MISSING = [/not found/i, /forbidden/i, /not allowed/i, /Invalid native messaging host name/i];

export class NativeClient {
  constructor({ timeoutMs = 60000 } = {}) {
    this.timeoutMs = timeoutMs;
    this.port = null;
    this.nextId = 1;
    this.pending = new Map();
    this.idleTimer = null;
  }

  /** Sends {type, ...payload}; resolves with the reply's result, rejects with a SaveError. */
  request(type, payload = {}) {
    if (type === 'save' && (payload.html || payload.resources)) {
      const text = JSON.stringify(payload);
      if (text.length > PART_CHARS) return this.requestInParts(text);
    }
    return this.send(type, payload);
  }

  /** A save too large for one frame: its JSON in pieces, in order; the last answers as "save" does. */
  async requestInParts(text) {
    const cuts = [0];
    while (cuts[cuts.length - 1] < text.length) {
      let end = Math.min(text.length, cuts[cuts.length - 1] + PART_CHARS);
      const c = text.charCodeAt(end);
      if (end < text.length && c >= 0xdc00 && c <= 0xdfff) end -= 1; // never split a surrogate pair
      cuts.push(end);
    }
    const count = cuts.length - 1;
    if (count > MAX_PARTS) throw new SaveError(Reason.REJECTED, `the save is too large for the pagekeep host (${count} parts of ${PART_CHARS} characters; at most ${MAX_PARTS})`);
    const upload = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    let result;
    for (let index = 0; index < count; index++) {
      result = await this.send('save-part', { upload, index, count, data: text.slice(cuts[index], cuts[index + 1]) });
    }
    return result;
  }

  send(type, payload) {
    const port = this.connect();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SaveError(Reason.UNREACHABLE, `the pagekeep host did not answer "${type}" in ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, type });
      this.touch();
      try {
        port.postMessage({ ...payload, id, type });
      } catch (e) {
        this.settle(id, null, new SaveError(Reason.HOST_MISSING, `cannot talk to the pagekeep host: ${e.message}`));
      }
    });
  }

  connect() {
    if (this.port) return this.port;
    const port = chrome.runtime.connectNative(HOST_NAME);
    port.onMessage.addListener((reply) => this.onReply(reply));
    port.onDisconnect.addListener(() => {
      const why = (chrome.runtime.lastError && chrome.runtime.lastError.message) || 'the pagekeep host exited';
      if (this.port === port) this.port = null;
      const reason = MISSING.some((re) => re.test(why)) ? Reason.HOST_MISSING : Reason.UNREACHABLE;
      for (const id of [...this.pending.keys()]) {
        this.settle(id, null, new SaveError(reason, `pagekeep host: ${why}`));
      }
    });
    this.port = port;
    return port;
  }

  disconnect() {
    clearTimeout(this.idleTimer); // nothing left to let go of
    this.idleTimer = null;
    if (this.port) this.port.disconnect();
    this.port = null;
  }

  onReply(reply) {
    if (!reply || !this.pending.has(reply.id)) return; // error replies to unreadable frames have id null
    if (reply.ok) {
      this.settle(reply.id, reply.result, null);
    } else {
      this.settle(reply.id, null, errorFromReply(reply.error || {}));
    }
  }

  settle(id, result, error) {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(result);
  }

  touch() {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size === 0) this.disconnect();
      else this.touch();
    }, IDLE_DISCONNECT_MS);
  }
}

function errorFromReply(error) {
  const message = error.message || error.code || 'the pagekeep host failed';
  switch (error.code) {
    case 'service_unavailable':
    case 'busy':
      return new SaveError(Reason.UNREACHABLE, message);
    case 'service_error':
      return new SaveError(error.status >= 500 ? Reason.UNREACHABLE : Reason.REJECTED, message);
    default:
      return new SaveError(Reason.REJECTED, message);
  }
}
