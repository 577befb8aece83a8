import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { slope, soakVerdict, type SoakSample } from '../../bench/soak-summary.ts';

const sample = (t: number, over: Partial<SoakSample> = {}): SoakSample =>
  ({ t, rssMb: 200, heapUsedMb: 80, heapAfterGcMb: 60, workersHeapUsedMb: 30, workersHeapAfterGcMb: 20, fds: 400, loopDelayP99Ms: 20, ...over });

describe('the soak\'s verdict', () => {
  test('least squares: the slope of a noisy line is its trend', () => {
    assert.equal(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
    assert.equal(slope([{ x: 0, y: 0 }, { x: 1, y: 2 }, { x: 2, y: 0 }, { x: 3, y: 2 }]), 0.4);
    assert.ok(Number.isNaN(slope([{ x: 5, y: 1 }])));
  });

  test('flat after the warm-up passes, whatever the warm-up did; slopes are per 10 minutes', () => {
    const samples = Array.from({ length: 10 }, (_, i) => sample(60 * (i + 1), { rssMb: i < 3 ? 100 + 40 * i : 220 + (i % 2), fds: i < 3 ? 100 * i : 400 }));
    const v = soakVerdict(samples, { placed: 1800, successful: 1800, failed: 0, records: 1800 }, 240);
    assert.equal(v.samplesUsed, 7);
    assert.ok(Math.abs(v.slopes.rssMb) < 1, `rss ${v.slopes.rssMb}`);
    assert.equal(v.slopes.fds, 0);
    assert.equal(v.ok, true, JSON.stringify(v.checks));
  });

  test('a leak of 0.2 MB a minute (2 MB / 10 min), a missing record and a failed call each fail their check', () => {
    const samples = Array.from({ length: 10 }, (_, i) => sample(60 * i, { heapAfterGcMb: 60 + 0.2 * i }));
    const v = soakVerdict(samples, { placed: 100, successful: 99, failed: 1, records: 99 }, 0);
    assert.ok(Math.abs(v.slopes.heapAfterGcMb - 2) < 1e-9);
    assert.deepEqual(v.checks.filter((c) => !c.ok).map((c) => c.name), ['no failed calls', 'a record for every call', 'heaps after GC slope (line + media workers) < 1 MB / 10 min']);
    assert.equal(v.ok, false);
  });

  test('a leak inside the media workers fails the heaps check though the line\'s own heap is flat, and the reading names it', () => {
    const samples = Array.from({ length: 10 }, (_, i) => sample(60 * i, { workersHeapAfterGcMb: 20 + 0.2 * i, rssMb: 200 + 0.2 * i }));
    const v = soakVerdict(samples, { placed: 1, successful: 1, failed: 0, records: 1 }, 0);
    assert.ok(Math.abs(v.slopes.heapsAfterGcMb - 2) < 1e-9);
    assert.equal(v.checks.find((c) => c.name.startsWith('heaps after GC'))?.detail, '2.00 MB / 10 min (line\'s thread 0.00, media workers 2.00)');
    assert.match(v.memory, /grows 2\.00 MB \/ 10 min after GC \(line's thread 0\.00, media workers 2\.00\)/);
  });

  test('RSS rising with the heaps after GC flat fails the RSS goal; the reading splits its slope into heaps used and memory outside them', () => {
    const samples = Array.from({ length: 10 }, (_, i) => sample(60 * i, { rssMb: 200 + 0.5 * i, heapUsedMb: 80 + 0.3 * i }));
    const v = soakVerdict(samples, { placed: 1, successful: 1, failed: 0, records: 1 }, 0);
    assert.equal(v.checks.find((c) => c.name.startsWith('RSS'))?.ok, false);
    assert.equal(v.checks.find((c) => c.name.startsWith('heaps after GC'))?.ok, true);
    assert.ok(Math.abs(v.slopes.heapsUsedMb + v.slopes.outsideHeapsMb - v.slopes.rssMb) < 1e-9, 'heaps used and the rest add up to RSS');
    assert.match(v.memory, /flat, 0\.00 MB \/ 10 min after GC.*RSS's 5\.00 MB \/ 10 min is the heaps used, 3\.00 .*outside the V8 heaps, 2\.00/);
  });

  test('descriptors left open after every call ended are a leak, a few are not', () => {
    const samples = [sample(0), sample(60)];
    const totals = { placed: 1, successful: 1, failed: 0, records: 1 };
    const check = (before: number, after: number) => soakVerdict(samples, totals, 0, { before, after }).checks.find((c) => c.name.startsWith('fds back'))?.ok;
    assert.equal(check(100, 102), true);
    assert.equal(check(100, 160), false);
  });

  test('no heap-after-GC figure (no major GC yet) is not a pass', () => {
    const v = soakVerdict([sample(0, { heapAfterGcMb: undefined }), sample(60, { heapAfterGcMb: undefined })], { placed: 1, successful: 1, failed: 0, records: 1 }, 0);
    assert.equal(v.checks.find((c) => c.name.startsWith('heaps after GC'))?.ok, false);
    const workers = soakVerdict([sample(0, { workersHeapAfterGcMb: undefined }), sample(60, { workersHeapAfterGcMb: undefined })], { placed: 1, successful: 1, failed: 0, records: 1 }, 0);
    assert.equal(workers.checks.find((c) => c.name.startsWith('heaps after GC'))?.ok, false, 'a worker without a major GC');
    assert.match(workers.memory, /cannot tell a leak/);
  });
});
