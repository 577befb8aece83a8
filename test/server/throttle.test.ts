import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureThrottle } from '../../src/server/throttle.ts';

test('a key is refused after `limit` failures in the window, and says for how long', () => {
  const t = new FailureThrottle(3, 60_000);
  for (const at of [0, 10_000, 20_000]) t.fail('sato', at);
  assert.equal(t.allow('sato', 20_000), false);
  assert.equal(t.retryAfterMs('sato', 20_000), 40_000, 'until the first failure is a minute old');
  assert.equal(t.allow('suzuki', 20_000), true, 'other keys are not affected');
  assert.equal(t.allow('sato', 60_000), true);
});

test('a success clears the key', () => {
  const t = new FailureThrottle(2, 60_000);
  t.fail('sato', 0);
  t.fail('sato', 1);
  t.clear('sato');
  assert.equal(t.retryAfterMs('sato', 2), 0);
});
