// /metrics shows each media worker thread's own heap (prom-client's nodejs_heap_* are the line's
// thread only): a leak inside a worker is visible, and a worker replaced after a crash adds no series.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MediaWorkerPool } from '../../src/telephony/media-worker/pool.ts';
import { waitFor } from '../faults/line-process.ts';
import { api, startTestLine } from './support.ts';

/** worker label → bytes, for one metric of the exposition text. */
function byWorker(text: string, name: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^${name}\\{worker="(\\d+)"\\} (\\S+)$`, 'gm'))) series.set(m[1] as string, Number(m[2]));
  return series;
}

const plausible = (bytes: number | undefined): boolean => bytes !== undefined && bytes > 1e6 && bytes < 1e9;

test('/metrics: each media worker\'s heap used, and after its major GCs, its loop delay and busy share, labelled by its slot; a replaced worker keeps the label', { timeout: 60_000 }, async () => {
  const line = await startTestLine(undefined, {
    telephony: {
      sip: { host: '127.0.0.1', port: 0, realm: 'chokutsu' },
      rtp: { host: '127.0.0.1', portMin: 45100, portMax: 45119, mediaWorkers: 2 },
      trunks: [],
    },
  });
  const metrics = async (): Promise<string> => (await api(line.url, undefined, 'GET', '/metrics')).text;
  try {
    const pool = line.server.sip?.media;
    assert.ok(pool instanceof MediaWorkerPool);
    assert.equal(byWorker(await metrics(), 'chokutsu_media_worker_heap_used_bytes').size, 0, 'no worker runs before a phone registers or a call comes');
    pool.warm(); // as a phone's registration does

    const used = await waitFor('both workers\' heaps on /metrics', async () => {
      const series = byWorker(await metrics(), 'chokutsu_media_worker_heap_used_bytes');
      return series.size === 2 ? series : undefined;
    }, 10_000, 200);
    assert.deepEqual([...used.keys()], ['0', '1']);
    assert.ok([...used.values()].every(plausible), JSON.stringify([...used]));
    const scrape = await metrics();
    const loopDelay = byWorker(scrape, 'chokutsu_media_worker_loop_delay_max_seconds');
    assert.deepEqual([...loopDelay.keys()], ['0', '1'], 'each worker\'s loop delay, by its slot');
    assert.ok([...loopDelay.values()].every((s) => s >= 0 && s < 1), JSON.stringify([...loopDelay]));
    const utilization = byWorker(scrape, 'chokutsu_media_worker_utilization');
    assert.deepEqual([...utilization.keys()], ['0', '1'], 'each worker\'s busy share, by its slot');
    // Idle, a worker's loop wakes only for its own timers.
    assert.ok([...utilization.values()].every((u) => u >= 0 && u < 0.5), JSON.stringify([...utilization]));

    // Big prompts (16 MB each, outside V8's heap) make the worker collect: an idle one may not for minutes.
    const leg = await pool.openRtp();
    for (let i = 0; i < 6; i++) {
      const played = leg.play(new Int16Array(8_000_000));
      leg.stop();
      await played;
    }
    const afterGc = await waitFor('a worker\'s heap after its major GC on /metrics', async () => {
      const series = byWorker(await metrics(), 'chokutsu_media_worker_heap_used_after_major_gc_bytes');
      return series.size > 0 ? series : undefined;
    }, 10_000, 200);
    assert.ok([...afterGc.values()].every(plausible), JSON.stringify([...afterGc]));
    const majors = byWorker(await metrics(), 'chokutsu_media_worker_major_gcs_total');
    for (const worker of afterGc.keys()) assert.ok((majors.get(worker) ?? 0) >= 1, `worker ${worker} counts its major GCs`);
    await leg.close();

    const dead = pool.workers[0];
    assert.ok(dead);
    await dead.kill();
    await waitFor('the replacement to report', () => (pool.workers.some((w) => w.id === dead.id) || pool.figures().length < 2 ? undefined : true), 10_000);
    const text = await metrics();
    assert.deepEqual([...byWorker(text, 'chokutsu_media_worker_heap_used_bytes').keys()], ['0', '1'], 'two workers, two series');
    assert.ok(!/worker="2"/.test(text), 'no series for a third worker');
  } finally {
    await line.close();
  }
});
