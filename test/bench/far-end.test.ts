// The far-end harness of bench/media.ts on loopback, through the Node relay: if this rots, the
// media bench's figures mean nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Child } from '../../bench/media/child.ts';
import type { WindowReport } from '../../bench/media/far-end.ts';

const file = (name: string) => fileURLToPath(new URL(`../../bench/media/${name}`, import.meta.url));

test('4 streams through the Node relay reach their far ends whole: every frame, continuous timestamps, no hole', async () => {
  const farEnd = new Child('far end', file('far-end.ts'));
  const relay = new Child('relay', file('relay.ts'));
  try {
    const { ports } = await farEnd.call<{ ports: number[] }>('open', { count: 4 });
    const calls = [[ports[0], ports[1]], [ports[2], ports[3]]] as [number, number][];
    const starts: { port: number; to: number }[] = [];
    for (const [a, b] of calls) {
      const { toA, toB } = await relay.call<{ toA: number; toB: number }>('pair', { a, b });
      starts.push({ port: a, to: toB }, { port: b, to: toA });
    }
    await farEnd.call('start', { legs: starts });
    await new Promise((r) => setTimeout(r, 300)); // the streams are flowing before the window opens
    await farEnd.call('startWindow');
    await new Promise((r) => setTimeout(r, 1500));
    const report = await farEnd.call<WindowReport>('endWindow');
    assert.equal(report.legs.length, 4);
    for (const leg of report.legs) {
      assert.ok(leg.received >= leg.expected - 2, `leg ${leg.port}: ${leg.received} of ${leg.expected} frames`);
      assert.equal(leg.framesSkipped, 0);
      assert.equal(leg.largestTsJump, 1);
      assert.ok(leg.longestHoleMs < 200, `leg ${leg.port}: a ${leg.longestHoleMs} ms hole`);
    }
    assert.ok(report.sent >= 4 * 70, `sent ${report.sent}`);
    assert.equal(report.deviations.length, report.received - 4);
  } finally {
    await Promise.all([farEnd.stop(), relay.stop()]);
  }
});
