// save-error.js: one error type for every transport, telling "try again later" from "never".

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asSaveError, Reason, SaveError } from '../../extension/save-error.js';

test('a missing host, an unreachable or unpaired service and a refused token are worth retrying', () => {
  for (const reason of [Reason.HOST_MISSING, Reason.UNREACHABLE, Reason.NOT_PAIRED, Reason.UNAUTHORIZED]) {
    assert.equal(new SaveError(reason, 'x').retryable, true, reason);
  }
});

test('a save the service rejected is not retried', () => {
  const e = new SaveError(Reason.REJECTED, 'the service refused: not an http(s) URL');
  assert.equal(e.retryable, false);
  assert.equal(e.reason, 'rejected');
  assert.equal(e.name, 'SaveError');
  assert.equal(e.message, 'the service refused: not an http(s) URL');
  assert.ok(e instanceof Error);
});

test('any other failure becomes a retryable unreachable error with its message, so nothing is dropped', () => {
  const e = asSaveError(new TypeError('Failed to fetch'));
  assert.ok(e instanceof SaveError);
  assert.equal(e.reason, Reason.UNREACHABLE);
  assert.equal(e.retryable, true);
  assert.equal(e.message, 'Failed to fetch');
  assert.equal(asSaveError('a bare string').message, 'a bare string');
  assert.equal(asSaveError(undefined).reason, Reason.UNREACHABLE);
});

test('a SaveError passes through as itself', () => {
  const e = new SaveError(Reason.REJECTED, 'no');
  assert.equal(asSaveError(e), e);
});

test('the reasons are fixed', () => {
  assert.ok(Object.isFrozen(Reason));
  assert.deepEqual(Object.values(Reason).sort(), ['host-missing', 'not-paired', 'rejected', 'unauthorized', 'unreachable']);
});
