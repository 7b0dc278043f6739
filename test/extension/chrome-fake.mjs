// A small working chrome.* for running the extension's modules in Node (node:test), installed as
// globalThis.chrome: storage.local and storage.session (values copied in and out, as Chrome
// serialises them; every call answers on a later turn, so lost updates between concurrent
// read-modify-writes show), alarms, action (badge text, colour and title per tab), and native
// messaging through runtime.connectNative to a host the test scripts (or one that is missing).
//
// A "restart" of the service worker keeps storage.local and loses everything else: see restart().

const later = () => new Promise((r) => setImmediate(r));
const copy = (v) => (v === undefined ? undefined : structuredClone(v));

class StorageArea {
  constructor(data = {}) {
    this.data = copy(data);
  }

  async get(keys) {
    await later();
    if (keys === null || keys === undefined) return copy(this.data);
    const wanted = typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys);
    const out = {};
    for (const k of wanted) {
      if (k in this.data) out[k] = copy(this.data[k]);
      else if (keys && typeof keys === 'object' && !Array.isArray(keys)) out[k] = copy(keys[k]);
    }
    return out;
  }

  async set(items) {
    const values = copy(items);
    await later();
    Object.assign(this.data, values);
  }

  async remove(keys) {
    await later();
    for (const k of typeof keys === 'string' ? [keys] : keys) delete this.data[k];
  }

  async clear() {
    await later();
    this.data = {};
  }
}

function event() {
  const listeners = [];
  return {
    listeners,
    addListener: (fn) => listeners.push(fn),
    removeListener: (fn) => listeners.splice(listeners.indexOf(fn) >>> 0, 1),
    fire: (...args) => listeners.forEach((fn) => fn(...args)),
  };
}

/**
 * The native host at the other end of connectNative. `answer(message)` returns the reply's result,
 * throws {code, message, status?} for an error reply, or returns NO_ANSWER to stay silent.
 * Every message received is kept in `received`; `exit(why)` ends the host as a crash would.
 */
export const NO_ANSWER = Symbol('no answer');

export class FakeHost {
  constructor(answer = () => ({})) {
    this.answer = answer;
    this.installed = true;
    this.received = [];
    this.connects = 0;
    this.ports = new Set();
  }

  exit(why = 'Native host has exited.') {
    for (const port of [...this.ports]) port.closeFromHost(why);
  }
}

class FakePort {
  constructor(chrome, host) {
    this.chrome = chrome;
    this.host = host;
    this.onMessage = event();
    this.onDisconnect = event();
    this.open = true;
    host.ports.add(this);
  }

  postMessage(message) {
    if (!this.open) throw new Error('Attempting to use a disconnected port object');
    const msg = structuredClone(message);
    this.host.received.push(msg);
    (async () => {
      await later();
      let reply;
      try {
        const result = await this.host.answer(msg);
        if (result === NO_ANSWER) return;
        reply = { id: msg.id, ok: true, result };
      } catch (e) {
        reply = { id: msg.id, ok: false, error: { code: e.code || 'internal', message: e.message, ...(e.status ? { status: e.status } : {}) } };
      }
      if (this.open) this.onMessage.fire(reply, this);
    })();
  }

  /** The extension closed the port: its own onDisconnect does not fire (as in Chrome). */
  disconnect() {
    this.open = false;
    this.host.ports.delete(this);
  }

  /** The host went away: onDisconnect fires with runtime.lastError set while it runs. */
  closeFromHost(why) {
    if (!this.open) return;
    this.open = false;
    this.host.ports.delete(this);
    this.chrome.runtime.lastError = { message: why };
    try {
      this.onDisconnect.fire(this);
    } finally {
      this.chrome.runtime.lastError = undefined;
    }
  }
}

export function createChrome({ local = {}, host = new FakeHost() } = {}) {
  const alarms = new Map();
  const badges = new Map(); // tabId (or 'global') -> {text, color, title}
  const badgeOf = (o) => {
    const k = o.tabId ?? 'global';
    if (!badges.has(k)) badges.set(k, { text: '', color: null, title: '' });
    return badges.get(k);
  };
  const chrome = {
    host,
    badges,
    storage: { local: new StorageArea(local), session: new StorageArea() },
    runtime: {
      lastError: undefined,
      connectNative(name) {
        host.connects++;
        const port = new FakePort(chrome, host);
        if (name !== 'dev.pagekeep.host' || !host.installed) {
          setImmediate(() => port.closeFromHost('Specified native messaging host not found.'));
        }
        return port;
      },
    },
    alarms: {
      onAlarm: event(),
      async create(name, info) {
        alarms.set(name, { name, scheduledTime: Date.now() + (info.delayInMinutes || 0) * 60000, periodInMinutes: info.periodInMinutes });
      },
      async get(name) {
        return copy(alarms.get(name));
      },
      async getAll() {
        return [...alarms.values()].map(copy);
      },
      async clear(name) {
        return alarms.delete(name);
      },
    },
    action: {
      async setBadgeText(o) { badgeOf(o).text = o.text; },
      async setBadgeBackgroundColor(o) { badgeOf(o).color = o.color; },
      async setTitle(o) { badgeOf(o).title = o.title; },
      async getBadgeText(o) { return badgeOf(o).text; },
      async getTitle(o) { return badgeOf(o).title; },
    },
  };
  return chrome;
}

/** Installs a fresh chrome.* as globalThis.chrome and returns it. */
export function installChrome(options) {
  globalThis.chrome = createChrome(options);
  return globalThis.chrome;
}

/**
 * The service worker was stopped and started again: what it kept in storage.local survives,
 * session storage, alarms' listeners and every module's globals do not. Returns the new chrome.*;
 * import modules again with fresh() to get their new instances.
 */
export function restart(host = globalThis.chrome.host) {
  const local = globalThis.chrome.storage.local.data;
  const alarms = globalThis.chrome.alarms;
  const next = installChrome({ local, host });
  next.alarms = { ...alarms, onAlarm: event() }; // alarms belong to the browser, not the worker
  return next;
}

let generation = 0;

/**
 * A new service worker's modules: load(name) imports an extension module and everything it
 * imports anew (a restarted worker loads them again, with empty globals). A query string on every
 * extension URL of this worker gives it its own module instances (fresh-hooks.mjs passes it on).
 */
export async function worker() {
  if (!worker.hooked) {
    const { register } = await import('node:module');
    register(new URL('./fresh-hooks.mjs', import.meta.url));
    worker.hooked = true;
  }
  const g = ++generation;
  return { load: (name) => import(new URL(`../../extension/${name}?worker=${g}`, import.meta.url).href) };
}

/** One module of a new worker (see worker()). */
export async function fresh(name) {
  return (await worker()).load(name);
}
