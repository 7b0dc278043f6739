// Client for the native host dev.pagekeep.host over one long-lived port (connectNative), so the
// JVM starts once and later saves cost one round trip. The port is a cache, not state: when the
// worker dies or the host exits, the next request connects again.

import { Reason, SaveError } from './save-error.js';

export const HOST_NAME = 'dev.pagekeep.host';
const IDLE_DISCONNECT_MS = 5 * 60 * 1000; // let the host exit (and the worker sleep) when unused
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
