import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FrameSource, type PlaybackEnd } from '../../../src/telephony/rtp/frame-source.ts';

const FRAME = 160;
const ramp = (length: number, from = 1) => Int16Array.from({ length }, (_, i) => from + i);

/** Resolves what the promise gave, or 'pending' if it has not settled by the next turn. */
async function state(promise: Promise<PlaybackEnd>): Promise<PlaybackEnd | 'pending'> {
  let result: PlaybackEnd | 'pending' = 'pending';
  void promise.then((end) => { result = end; });
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

describe('outbound frame source', () => {
  test('has nothing to say when idle: the session sends silence', () => {
    assert.equal(new FrameSource(1600).next(FRAME), undefined);
  });

  test('plays a prompt frame by frame, pads its last frame with silence and finishes when it is taken', async () => {
    const source = new FrameSource(1600);
    const prompt = source.play(ramp(400));
    const frames = [source.next(FRAME), source.next(FRAME)];
    assert.equal(await state(prompt), 'pending');
    const last = source.next(FRAME) ?? assert.fail('the last frame');
    assert.equal(await state(prompt), 'finished');
    assert.deepEqual([...(frames[0] ?? [])], [...ramp(160)]);
    assert.deepEqual([...(frames[1] ?? [])], [...ramp(160, 161)]);
    assert.deepEqual([...last.subarray(0, 80)], [...ramp(80, 321)]);
    assert.ok(last.subarray(80).every((s) => s === 0));
    assert.equal(source.playing, false);
    assert.equal(source.next(FRAME), undefined);
  });

  test('plays queued prompts in order', async () => {
    const source = new FrameSource(1600);
    const first = source.play(new Int16Array(160).fill(1));
    const second = source.play(new Int16Array(160).fill(2));
    assert.equal(source.next(FRAME)?.[0], 1);
    assert.equal(await state(first), 'finished');
    assert.equal(await state(second), 'pending');
    assert.equal(source.next(FRAME)?.[0], 2);
    assert.equal(await state(second), 'finished');
  });

  test('a looped prompt wraps across frames until stopped; stop ends what was queued after it too', async () => {
    const source = new FrameSource(1600);
    const loop = source.play(ramp(100), { loop: true });
    const after = source.play(ramp(10));
    const frame = source.next(FRAME) ?? assert.fail('a frame');
    assert.deepEqual([...frame.subarray(95, 105)], [96, 97, 98, 99, 100, 1, 2, 3, 4, 5]);
    source.stop();
    assert.deepEqual([await state(loop), await state(after)], ['stopped', 'stopped']);
    assert.equal(source.playing, false);
  });

  test('an empty looped prompt finishes instead of spinning', async () => {
    const source = new FrameSource(1600);
    const empty = source.play(new Int16Array(0), { loop: true });
    assert.ok(source.next(FRAME)?.every((s) => s === 0));
    assert.equal(await state(empty), 'finished');
  });

  test('sends live audio in whole frames when no prompt plays, across fed chunks', () => {
    const source = new FrameSource(1600);
    source.feed(ramp(100));
    assert.equal(source.next(FRAME), undefined, 'a partial frame waits for the rest');
    source.feed(ramp(100, 101));
    assert.deepEqual([...(source.next(FRAME) ?? [])], [...ramp(160)]);
    assert.equal(source.next(FRAME), undefined);
  });

  test('a prompt goes before live audio, which waits', () => {
    const source = new FrameSource(1600);
    source.feed(new Int16Array(160).fill(7));
    void source.play(new Int16Array(160).fill(3));
    assert.equal(source.next(FRAME)?.[0], 3);
    assert.equal(source.next(FRAME)?.[0], 7);
  });

  test('drops the oldest live audio beyond the feed limit', () => {
    const source = new FrameSource(320);
    for (const value of [1, 2, 3]) source.feed(new Int16Array(160).fill(value));
    assert.deepEqual([source.next(FRAME)?.[0], source.next(FRAME)?.[0], source.next(FRAME)], [2, 3, undefined]);
  });
});
