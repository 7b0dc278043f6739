// Chooses how to reach the service: the native host first, the HTTP API with the token when the
// host is missing (or when the user chose HTTP only). Callers get {via, result} or a SaveError.

import { HttpClient } from './http-client.js';
import { NativeClient } from './native-client.js';
import { Reason, SaveError } from './save-error.js';
import { getSettings } from './settings.js';

const native = new NativeClient(); // a connection cache; reconnects whenever needed

export async function call(type, payload = {}) {
  const settings = await getSettings();
  let hostMissing = null;
  if (settings.transport !== 'http') {
    try {
      return { via: 'native', result: await native.request(type, payload) };
    } catch (e) {
      if (!(e instanceof SaveError) || e.reason !== Reason.HOST_MISSING) throw e;
      hostMissing = e;
    }
  }
  try {
    return { via: 'http', result: await viaHttp(new HttpClient(settings.baseUrl, settings.token), type, payload) };
  } catch (e) {
    if (hostMissing && e instanceof SaveError && e.reason === Reason.NOT_PAIRED) {
      throw new SaveError(Reason.NOT_PAIRED, `${hostMissing.message}; and no API token is set for the HTTP fallback (see the options page)`);
    }
    throw e;
  }
}

/** Closes the native port (the host exits); the next request starts a new host. */
export function disconnectNative() {
  native.disconnect();
}

/** Asks the native host only (the options page uses it to show the host's state and to pair). */
export function callNative(type, payload = {}) {
  return native.request(type, payload);
}

async function viaHttp(http, type, payload) {
  switch (type) {
    case 'save': {
      const { url, urls, html, title, source, status, resources } = payload;
      const body = { ...(url ? { url } : { urls }), html, title, source, status, resources };
      if (payload.saveId !== undefined) body.saveId = payload.saveId; // the needs-browser save this DOM is for
      return http.request('POST', '/api/saves', body);
    }
    case 'needs-browser':
      return http.request('GET', `/api/saves?state=needs-browser&limit=${payload.limit || 20}`);
    case 'status': {
      const ids = payload.saveIds || [payload.saveId];
      const saves = [];
      for (const id of ids) {
        try {
          saves.push(await http.request('GET', `/api/saves/${encodeURIComponent(id)}`));
        } catch (e) {
          if (e.reason !== Reason.REJECTED) throw e;
          saves.push({ id, state: 'unknown', error: e.message });
        }
      }
      return payload.saveIds ? { saves } : saves[0];
    }
    case 'lookup':
      return http.request('GET', `/api/lookup?url=${encodeURIComponent(payload.url)}`);
    case 'login-link':
      return http.request('POST', '/api/login-links', {});
    case 'search': {
      const q = new URLSearchParams({ limit: String(payload.limit || 20), ...(payload.q ? { q: payload.q } : {}) });
      return http.request('GET', `/api/snapshots?${q}`);
    }
    default:
      throw new SaveError(Reason.REJECTED, `"${type}" is not available over HTTP`);
  }
}
