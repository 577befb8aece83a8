import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfSender, type EventPacketOut } from '../../../src/telephony/rtp/dtmf-sender.ts';
import { parseTelephoneEvent } from '../../../src/telephony/rtp/packet.ts';

const FRAME = 160;

/** Asks the sender for `frames` frames from timestamp `start`; undefined where the frame is audio. */
function frames(sender: DtmfSender, count: number, start = 1000): (EventPacketOut | undefined)[] {
  return Array.from({ length: count }, (_, i) => sender.next(start + i * FRAME, FRAME));
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(() => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('RFC 4733 DTMF sender', () => {
  test('an event is a marker packet, growing durations on its start timestamp, then three end packets', () => {
    const sender = new DtmfSender();
    void sender.send('7', { samples: 640, pauseFrames: 0 });
    const packets = frames(sender, 7);
    assert.equal(packets[6], undefined, 'audio again after the end packets');
    const events = packets.slice(0, 6).map((p) => p ?? assert.fail('an event packet'));
    const parsed = events.map((p) => parseTelephoneEvent(p.payload));
    assert.deepEqual(parsed.map((e) => e?.duration), [160, 320, 480, 640, 640, 640]);
    assert.deepEqual(parsed.map((e) => e?.end), [false, false, false, true, true, true]);
    assert.ok(parsed.every((e) => e?.event === 7 && e.volume === 10));
    assert.deepEqual(events.map((p) => p.marker), [true, false, false, false, false, false]);
    assert.deepEqual(new Set(events.map((p) => p.timestamp)), new Set([1000]));
  });

  test('a duration that is not a whole number of frames ends at the duration', () => {
    const sender = new DtmfSender();
    void sender.send('1', { samples: 400, pauseFrames: 0 });
    const durations = frames(sender, 5).map((p) => (p ? parseTelephoneEvent(p.payload)?.duration : undefined));
    assert.deepEqual(durations, [160, 320, 400, 400, 400]);
  });

  test('the pause after a digit is audio frames, and the digit is done after them', async () => {
    const sender = new DtmfSender();
    const sent = sender.send('#', { samples: 160, pauseFrames: 2 });
    assert.deepEqual(frames(sender, 3).map((p) => p !== undefined), [true, true, true]);
    assert.equal(await settled(sent), false);
    assert.equal(sender.next(0, FRAME), undefined);
    assert.equal(await settled(sent), false);
    assert.equal(sender.next(0, FRAME), undefined);
    assert.equal(await settled(sent), true);
  });

  test('digits go one after another, each with its own start timestamp and marker', async () => {
    const sender = new DtmfSender();
    const sent = sender.send('12', { samples: 160, pauseFrames: 0 });
    const first = frames(sender, 3, 0);
    await new Promise((resolve) => setImmediate(resolve));
    const second = frames(sender, 3, 480);
    assert.deepEqual([...first, ...second].map((p) => [p?.timestamp, p?.marker, p && parseTelephoneEvent(p.payload)?.event]),
      [[0, true, 1], [0, false, 1], [0, false, 1], [480, true, 2], [480, false, 2], [480, false, 2]]);
    assert.equal(await settled(sent), true);
  });

  test('refuses a string with a non-digit before sending any of it', async () => {
    const sender = new DtmfSender();
    await assert.rejects(sender.send('12x', { samples: 160, pauseFrames: 0 }), RangeError);
    assert.equal(sender.next(0, FRAME), undefined);
  });

  test('clear() ends what is queued without sending it', async () => {
    const sender = new DtmfSender();
    const sent = sender.send('9', { samples: 800, pauseFrames: 3 });
    sender.next(0, FRAME);
    sender.clear();
    assert.equal(await settled(sent), true);
    assert.equal(sender.next(160, FRAME), undefined);
  });
});
