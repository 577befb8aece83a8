import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentMax } from '../../../src/telephony/media-worker/recent-max.ts';

test('a worker\'s longest loop delay is the largest of its last reports: 0 before any, an old stall drops out of the window', () => {
  const window = new RecentMax(3);
  assert.equal(window.max, 0);
  window.add(1.5);
  window.add(42);
  window.add(0.2);
  assert.equal(window.max, 42, 'the stall is within the last three reports');
  window.add(0.3);
  assert.equal(window.max, 42);
  window.add(0.1);
  assert.equal(window.max, 0.3, 'three reports later the stall is out of the window');
});
