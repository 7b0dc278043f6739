// One error type for every transport, so the badge, the outbox and the options page can tell
// "try again later" from "this will never work".

export const Reason = Object.freeze({
  HOST_MISSING: 'host-missing', // native host not installed or not allowed: use HTTP instead
  UNREACHABLE: 'unreachable', // no service answered: keep the save and retry
  NOT_PAIRED: 'not-paired', // HTTP fallback without a token: keep the save until paired
  UNAUTHORIZED: 'unauthorized', // the service refused the token: keep the save until re-paired
  REJECTED: 'rejected', // the service said no (bad URL, ...): retrying will not help
});

const RETRYABLE = new Set([Reason.UNREACHABLE, Reason.NOT_PAIRED, Reason.UNAUTHORIZED, Reason.HOST_MISSING]);

export class SaveError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = 'SaveError';
    this.reason = reason;
  }

  get retryable() {
    return RETRYABLE.has(this.reason);
  }
}

/** Any thrown value as a SaveError; unknown failures count as retryable (nothing is dropped). */
export function asSaveError(e) {
  if (e instanceof SaveError) return e;
  return new SaveError(Reason.UNREACHABLE, (e && e.message) || String(e));
}
