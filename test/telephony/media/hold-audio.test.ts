import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdAudio } from '../../../src/telephony/media/hold-audio.ts';

test('the hold phrase is a few seconds of audible chimes that end in a rest, so it loops calmly', () => {
  const pcm = holdAudio();
  assert.ok(pcm.length >= 8000 * 3 && pcm.length <= 8000 * 5, `${pcm.length / 8000} s`);
  const rms = (a: Int16Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
  assert.ok(rms(pcm.subarray(0, 8000)) > 300, 'the first second is heard');
  assert.ok(Math.max(...pcm) < 4000 && Math.min(...pcm) > -4000, 'soft, not clipped');
  assert.equal(rms(pcm.subarray(pcm.length - 4000)), 0, 'a rest closes the loop');
});
