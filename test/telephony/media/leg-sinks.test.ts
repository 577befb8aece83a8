import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LegSinks } from '../../../src/telephony/media/leg-sinks.ts';

test('the received datagram goes to the first sink that takes G.711 only; a PCM sink gets the frame decoded', () => {
  const sinks = new LegSinks();
  const given: (Buffer | undefined)[] = [];
  const decoded: Int16Array[] = [];
  sinks.add({ audio: (pcm) => decoded.push(pcm), dtmf: () => {} });
  sinks.add({ g711: (_law, _payload, _ts, datagram) => given.push(datagram), dtmf: () => {} });
  sinks.add({ g711: (_law, _payload, _ts, datagram) => given.push(datagram), dtmf: () => {} });
  const datagram = Buffer.alloc(172, 0xd5);
  sinks.audio('PCMA', datagram.subarray(12), 160, datagram);
  assert.deepEqual(given, [datagram, undefined]);
  assert.equal(decoded.length, 1);
  assert.equal(decoded[0]?.length, 160);
});
