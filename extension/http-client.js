// Client for the service's HTTP API with the bearer token: the fallback when the native host is
// not installed. Every non-2xx answer becomes a SaveError carrying the service's message.

import { Reason, SaveError } from './save-error.js';

export class HttpClient {
  constructor(baseUrl, token, { timeoutMs = 30000 } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token;
    this.timeoutMs = timeoutMs;
  }

  async request(method, path, body) {
    if (!this.token) {
      throw new SaveError(Reason.NOT_PAIRED, 'the pagekeep host is not installed and no API token is set (see the options page)');
    }
    let response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      throw new SaveError(Reason.UNREACHABLE, `pagekeep service unreachable at ${this.baseUrl} (${e.name === 'TimeoutError' ? 'timed out' : e.message})`);
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      // not JSON; handled below
    }
    if (response.ok && json) return json;
    const message = (json && json.error && json.error.message) || `HTTP ${response.status}`;
    if (response.status === 401 || response.status === 403) {
      throw new SaveError(Reason.UNAUTHORIZED, `the service refused the API token (${message}); pair again in the options page`);
    }
    if (response.status >= 500 || response.ok) {
      throw new SaveError(Reason.UNREACHABLE, `the service failed: ${message}`);
    }
    throw new SaveError(Reason.REJECTED, `the service refused: ${message}`);
  }
}
