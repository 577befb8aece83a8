import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { slope, soakVerdict, type SoakSample } from '../../bench/soak-summary.ts';

const sample = (t: number, over: Partial<SoakSample> = {}): SoakSample =>
  ({ t, rssMb: 200, heapUsedMb: 80, heapAfterGcMb: 60, fds: 400, loopDelayP99Ms: 20, ...over });

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
    assert.deepEqual(v.checks.filter((c) => !c.ok).map((c) => c.name), ['no failed calls', 'a record for every call', 'heap after GC slope < 1 MB / 10 min']);
    assert.equal(v.ok, false);
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
    assert.equal(v.checks.find((c) => c.name.startsWith('heap after GC'))?.ok, false);
  });
});
