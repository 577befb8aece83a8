import { test, describe, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer } from '../../../src/telephony/rtp/pacer.ts';

// Timers and the monotonic clock move together, by hand. setTimeout is replaced with a list of
// due times rather than node:test's MockTimers, which prints an ExperimentalWarning on Node 20.
let nowNs = 0n;
let nowMs = 0;
let timers: { id: number; due: number; fn: () => void }[] = [];
let nextId = 1;
const monotonic = () => nowNs;

function fakeSetTimeout(fn: () => void, ms = 0): number {
  const id = nextId++;
  timers.push({ id, due: nowMs + Math.max(0, ms), fn });
  return id;
}
function fakeClearTimeout(id: number | undefined): void {
  timers = timers.filter((t) => t.id !== id);
}

/** Runs every timer due by now, earliest first (and those they set that are due too). */
function runDue(): void {
  for (;;) {
    const due = timers.filter((t) => t.due <= nowMs).sort((a, b) => a.due - b.due || a.id - b.id)[0];
    if (!due) return;
    fakeClearTimeout(due.id);
    due.fn();
  }
}

function advance(ms: number): void {
  for (let i = 0; i < ms; i++) {
    nowNs += 1_000_000n;
    nowMs += 1;
    runDue();
  }
}

/** The event loop was busy for `ms`: timers due meanwhile run only at its end. */
function stall(ms: number): void {
  nowNs += BigInt(ms) * 1_000_000n;
  nowMs += ms;
  runDue();
}

describe('Pacer', () => {
  beforeEach(() => {
    nowNs = 1_000_000_000n;
    nowMs = 0;
    timers = [];
    mock.method(globalThis, 'setTimeout', fakeSetTimeout);
    mock.method(globalThis, 'clearTimeout', fakeClearTimeout);
  });
  afterEach(() => mock.restoreAll());

  test('ticks every session of a ptime from one clock, once per 20 ms', () => {
    const pacer = new Pacer({ monotonic });
    const calls: string[] = [];
    const removeA = pacer.add(20, (frames) => calls.push(`a${frames}`));
    const removeB = pacer.add(20, (frames) => calls.push(`b${frames}`));
    assert.equal(pacer.clockCount, 1);
    advance(19);
    assert.deepEqual(calls, []);
    advance(1);
    assert.deepEqual(calls, ['a1', 'b1']);
    advance(40);
    assert.deepEqual(calls, ['a1', 'b1', 'a1', 'b1', 'a1', 'b1']);
    removeA();
    removeB();
  });

  test('a session added between ticks is first called at the next tick of the shared clock', () => {
    const pacer = new Pacer({ monotonic });
    const first: number[] = [];
    const late: number[] = [];
    const removeFirst = pacer.add(20, (frames) => first.push(frames));
    advance(27);
    const removeLate = pacer.add(20, (frames) => late.push(frames));
    advance(12);
    assert.deepEqual(late, []);
    advance(1);
    assert.deepEqual({ first, late }, { first: [1, 1], late: [1] });
    removeFirst();
    removeLate();
  });

  test('each ptime has its own clock: 30 ms sessions tick twice while 20 ms ones tick three times', () => {
    const pacer = new Pacer({ monotonic });
    let twenty = 0;
    let thirty = 0;
    const removes = [pacer.add(20, () => twenty++), pacer.add(30, () => thirty++)];
    assert.equal(pacer.clockCount, 2);
    advance(60);
    assert.deepEqual({ twenty, thirty }, { twenty: 3, thirty: 2 });
    for (const remove of removes) remove();
  });

  test('after a stall, reports every period missed in one call and keeps to the original schedule', () => {
    const pacer = new Pacer({ monotonic });
    const frames: number[] = [];
    const remove = pacer.add(20, (n) => frames.push(n));
    advance(20);
    stall(75); // t = 95 ms: the overdue timer fires once, periods 2, 3 and 4 have passed
    advance(4); // t = 99: period 5 is not due yet
    assert.deepEqual(frames, [1, 3]);
    advance(1); // t = 100
    assert.deepEqual(frames, [1, 3, 1]);
    remove();
  });

  test('no period is lost however late the loop is: a 300 ms stall owes 15 frames, and the schedule after it is the original one', () => {
    const pacer = new Pacer({ monotonic });
    const frames: number[] = [];
    const remove = pacer.add(20, (n) => frames.push(n));
    advance(20);
    stall(300); // t = 320 ms: periods 2 to 16 have passed
    advance(20); // t = 340: period 17
    stall(7); // a short stall inside a period owes nothing extra
    advance(13); // t = 360: period 18
    assert.deepEqual(frames, [1, 15, 1, 1]);
    assert.equal(frames.reduce((a, b) => a + b, 0), 18, 'one frame per 20 ms since the start');
    remove();
  });

  test('the clock stops with its last session, even when removed from inside a tick', () => {
    const pacer = new Pacer({ monotonic });
    let calls = 0;
    const remove = pacer.add(20, () => {
      calls++;
      remove();
    });
    advance(20);
    assert.equal(pacer.clockCount, 0);
    advance(100);
    assert.equal(calls, 1);
    // A new session starts a fresh clock.
    let again = 0;
    const removeAgain = pacer.add(20, () => again++);
    advance(20);
    assert.equal(again, 1);
    removeAgain();
    assert.equal(pacer.clockCount, 0);
  });
});
