import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfDetector } from '../../../src/telephony/rtp/dtmf-detector.ts';
import { buildTelephoneEvent, dtmfEventCode, parseRtp } from '../../../src/telephony/rtp/packet.ts';
import { udpPayloadsOfPcap } from './pcap.ts';

/** One telephone-event packet of a key press. */
function press(digit: string, timestamp: number, duration: number, options: { end?: boolean; marker?: boolean } = {}) {
  const event = dtmfEventCode(digit) ?? assert.fail(digit);
  return { timestamp, marker: options.marker ?? false, payload: buildTelephoneEvent({ event, end: options.end ?? false, volume: 10, duration }) };
}

/** A whole key press as RFC 4733 §2.5 sends it: marker first, updates, three end packets. */
function keyPress(digit: string, timestamp: number) {
  return [
    press(digit, timestamp, 160, { marker: true }), press(digit, timestamp, 320), press(digit, timestamp, 480),
    press(digit, timestamp, 640, { end: true }), press(digit, timestamp, 640, { end: true }), press(digit, timestamp, 640, { end: true }),
  ];
}

const detect = (detector: DtmfDetector, packets: ReturnType<typeof press>[]) => packets.flatMap((p) => detector.receive(p));

describe('RFC 4733 DTMF detector', () => {
  test('reports one digit per event, on its first end packet, however often the end is repeated', () => {
    const detector = new DtmfDetector();
    const perPacket = keyPress('5', 1000).map((p) => detector.receive(p));
    assert.deepEqual(perPacket, [[], [], [], ['5'], [], []]);
  });

  test('the same key twice in a row is two events', () => {
    const detector = new DtmfDetector();
    assert.deepEqual(detect(detector, [...keyPress('5', 1000), ...keyPress('5', 2000)]), ['5', '5']);
  });

  test('reports a digit whose end packets were all lost when the next event starts', () => {
    const detector = new DtmfDetector();
    const digits = detect(detector, [press('4', 1, 160), press('4', 1, 320), press('6', 2, 160), press('6', 2, 320, { end: true })]);
    assert.deepEqual(digits, ['4', '6']);
  });

  test('an end packet retransmitted after the next event began is not a new digit', () => {
    const detector = new DtmfDetector();
    const digits = detect(detector, [...keyPress('1', 100), press('2', 900, 160, { marker: true }), press('1', 100, 640, { end: true }), press('2', 900, 320, { end: true })]);
    assert.deepEqual(digits, ['1', '2']);
  });

  test('a marker restarts an event on a timestamp already seen, as a replayed capture does', () => {
    const detector = new DtmfDetector();
    assert.deepEqual(detect(detector, [...keyPress('7', 4242), ...keyPress('7', 4242)]), ['7', '7']);
  });

  test('a marker on the timestamp of an unfinished event reports it and starts anew', () => {
    const detector = new DtmfDetector();
    assert.deepEqual(detect(detector, [press('8', 50, 160, { marker: true }), press('9', 50, 160, { marker: true })]), ['8']);
    assert.deepEqual(detector.receive(press('9', 50, 320, { end: true })), ['9']);
  });

  test('a new source abandons the event in progress', () => {
    const detector = new DtmfDetector();
    detect(detector, [press('3', 10, 160, { marker: true })]);
    detector.sourceChanged();
    assert.deepEqual(detect(detector, keyPress('4', 20)), ['4']);
  });

  test('ignores a truncated payload and events beyond D', () => {
    const detector = new DtmfDetector();
    assert.deepEqual(detector.receive({ timestamp: 1, marker: true, payload: new Uint8Array([1, 0x80]) }), []);
    const flash = { timestamp: 2, marker: true, payload: buildTelephoneEvent({ event: 16, end: true, volume: 10, duration: 800 }) };
    assert.deepEqual(detector.receive(flash), []);
  });

  test('reads the RFC 4733 captures shipped with sipp, once per digit', () => {
    const detector = new DtmfDetector();
    const names = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'star', 'pound'];
    const digits = names.flatMap((name) => udpPayloadsOfPcap(`/usr/share/sip-tester/dtmf_2833_${name}.pcap`).flatMap((payload) => {
      const packet = parseRtp(payload);
      return packet && packet.payloadType !== 0 && packet.payloadType !== 8 ? detector.receive(packet) : [];
    }));
    assert.equal(digits.join(''), '1234567890*#');
  });
});
