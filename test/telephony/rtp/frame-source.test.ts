import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FrameSource, type PlaybackEnd } from '../../../src/telephony/rtp/frame-source.ts';
import { decodeG711, encodeG711, type G711Law } from '../../../src/telephony/rtp/g711.ts';

const FRAME = 160;
// Steps of 64 stay apart through µ-law's quantisation, so a sample's place in the ramp is still readable.
const ramp = (length: number, from = 1) => Int16Array.from({ length }, (_, i) => 64 * (from + i));
/** What `pcm` is once through G.711: what a frame of it reads back as. */
const heard = (pcm: Int16Array, law: G711Law = 'PCMU') => [...decodeG711(law, encodeG711(law, pcm))];
const level = (value: number) => new Int16Array(160).fill(value);

/** The next frame as PCM, or undefined when the source has nothing to say. */
function take(source: FrameSource, law: G711Law = 'PCMU'): Int16Array | undefined {
  const packet = new Uint8Array(12 + FRAME);
  return source.next(packet, 12, FRAME) ? decodeG711(law, packet.subarray(12)) : undefined;
}

/** Resolves what the promise gave, or 'pending' if it has not settled by the next turn. */
async function state(promise: Promise<PlaybackEnd>): Promise<PlaybackEnd | 'pending'> {
  let result: PlaybackEnd | 'pending' = 'pending';
  void promise.then((end) => { result = end; });
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

describe('outbound frame source', () => {
  test('has nothing to say when idle: the session sends silence', () => {
    assert.equal(take(new FrameSource(1600, 'PCMU')), undefined);
  });

  test('plays a prompt frame by frame, pads its last frame with silence and finishes when it is taken', async () => {
    const source = new FrameSource(1600, 'PCMU');
    const prompt = source.play(ramp(400));
    const frames = [take(source), take(source)];
    assert.equal(await state(prompt), 'pending');
    const last = take(source) ?? assert.fail('the last frame');
    assert.equal(await state(prompt), 'finished');
    assert.deepEqual([...(frames[0] ?? [])], heard(ramp(160)));
    assert.deepEqual([...(frames[1] ?? [])], heard(ramp(160, 161)));
    assert.deepEqual([...last.subarray(0, 80)], heard(ramp(80, 321)));
    assert.ok(last.subarray(80).every((s) => s === 0));
    assert.equal(source.playing, false);
    assert.equal(take(source), undefined);
  });

  test('plays queued prompts in order', async () => {
    const source = new FrameSource(1600, 'PCMU');
    const first = source.play(level(1000));
    const second = source.play(level(2000));
    assert.equal(take(source)?.[0], heard(level(1000))[0]);
    assert.equal(await state(first), 'finished');
    assert.equal(await state(second), 'pending');
    assert.equal(take(source)?.[0], heard(level(2000))[0]);
    assert.equal(await state(second), 'finished');
  });

  test('a looped prompt wraps across frames until stopped; stop ends what was queued after it too', async () => {
    const source = new FrameSource(1600, 'PCMU');
    const loop = source.play(ramp(100), { loop: true });
    const after = source.play(ramp(10));
    const frame = take(source) ?? assert.fail('a frame');
    assert.deepEqual([...frame.subarray(95, 105)], heard(Int16Array.from([96, 97, 98, 99, 100, 1, 2, 3, 4, 5], (n) => 64 * n)));
    source.stop();
    assert.deepEqual([await state(loop), await state(after)], ['stopped', 'stopped']);
    assert.equal(source.playing, false);
  });

  test('an empty looped prompt finishes instead of spinning', async () => {
    const source = new FrameSource(1600, 'PCMU');
    const empty = source.play(new Int16Array(0), { loop: true });
    assert.ok(take(source)?.every((s) => s === 0));
    assert.equal(await state(empty), 'finished');
  });

  test('sends live audio in whole frames when no prompt plays, across fed chunks', () => {
    const source = new FrameSource(1600, 'PCMU');
    source.feed(ramp(100));
    assert.equal(take(source), undefined, 'a partial frame waits for the rest');
    source.feed(ramp(100, 101));
    assert.deepEqual([...(take(source) ?? [])], heard(ramp(160)));
    assert.equal(take(source), undefined);
  });

  test('a prompt goes before live audio, which waits', () => {
    const source = new FrameSource(1600, 'PCMU');
    source.feed(level(7000));
    void source.play(level(3000));
    assert.equal(take(source)?.[0], heard(level(3000))[0]);
    assert.equal(take(source)?.[0], heard(level(7000))[0]);
  });

  test('drops the oldest live audio beyond the feed limit', () => {
    const source = new FrameSource(320, 'PCMU');
    for (const value of [1000, 2000, 3000]) source.feed(level(value));
    assert.deepEqual([take(source)?.[0], take(source)?.[0], take(source)], [heard(level(2000))[0], heard(level(3000))[0], undefined]);
  });

  test('live G.711 goes out byte for byte in the same law, converted PCMA to PCMU otherwise', () => {
    const source = new FrameSource(1600, 'PCMU');
    const payload = encodeG711('PCMU', ramp(160));
    source.feedG711('PCMU', payload);
    const packet = new Uint8Array(FRAME);
    assert.ok(source.next(packet, 0, FRAME));
    assert.deepEqual(packet, payload);
    source.feedG711('PCMA', encodeG711('PCMA', level(4000)));
    const converted = take(source) ?? assert.fail('a frame');
    assert.ok(converted.every((s) => Math.abs(s - 4000) < 150), `${converted[0]}`);
  });

  test('live audio fed across the end of the ring comes out whole and in order', () => {
    const source = new FrameSource(400, 'PCMU');
    for (let frame = 0; frame < 7; frame++) {
      source.feed(ramp(160, 1 + frame));
      assert.deepEqual([...(take(source) ?? [])], heard(ramp(160, 1 + frame)), `frame ${frame}`);
    }
  });

  test('a codec change converts the live audio already buffered', () => {
    const source = new FrameSource(1600, 'PCMU');
    source.feed(level(5000));
    source.law = 'PCMA';
    const frame = take(source, 'PCMA') ?? assert.fail('a frame');
    assert.ok(frame.every((s) => Math.abs(s - 5000) < 200), `${frame[0]}`);
  });
});
