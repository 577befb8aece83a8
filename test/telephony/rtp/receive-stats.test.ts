import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveStatistics, SSRC_SWITCH_GAP_MS, type SequenceVerdict } from '../../../src/telephony/rtp/receive-stats.ts';

const SSRC = 0x5150;

/** Feeds sequence numbers of one SSRC; returns the verdicts. */
function receive(stats: ReceiveStatistics, seqs: readonly number[], ssrc = SSRC): SequenceVerdict[] {
  return seqs.map((seq) => stats.sequence(ssrc, seq));
}

const run = (first: number, count: number) => Array.from({ length: count }, (_, i) => (first + i) & 0xffff);
const counts = (stats: ReceiveStatistics) => ({ received: stats.totals().packetsReceived, lost: stats.totals().packetsLost });

describe('RTP receive statistics (RFC 3550 §A.1, §A.3)', () => {
  test('knows nothing before the first packet and reports no block', () => {
    const stats = new ReceiveStatistics();
    assert.deepEqual(stats.totals(), { packetsReceived: 0, packetsLost: 0, jitter: 0 });
    assert.equal(stats.reportBlock(0), undefined);
  });

  test('counts lost packets from sequence gaps', () => {
    const stats = new ReceiveStatistics();
    assert.deepEqual(receive(stats, [10, 11, 14, 15]), ['new-source', 'counted', 'counted', 'counted']);
    assert.deepEqual(counts(stats), { received: 4, lost: 2 });
    assert.equal(stats.totals().remoteSsrc, SSRC);
  });

  test('counts across a sequence wrap as continuous, with the cycle in the extended highest sequence', () => {
    const stats = new ReceiveStatistics();
    receive(stats, [65533, 65534, 65535, 1, 2]);
    assert.deepEqual(counts(stats), { received: 5, lost: 1 });
    assert.equal(stats.reportBlock(0)?.extendedHighestSeq, 0x10000 + 2);
  });

  test('duplicates never make the loss negative, though the report block’s cumulative loss may be', () => {
    const stats = new ReceiveStatistics();
    receive(stats, [7, 8, 9, 8, 9]);
    assert.deepEqual(counts(stats), { received: 5, lost: 0 });
    assert.equal(stats.reportBlock(0)?.cumulativeLost, -2);
  });

  test('a sender restarting its sequence under the same SSRC restarts the counts once the next packet follows', () => {
    const stats = new ReceiveStatistics();
    receive(stats, run(30000, 10));
    // As sipp's play_pcap_audio replays a capture: 5 only marks the jump; 6 confirms and restarts.
    assert.deepEqual(receive(stats, run(5, 5)), ['held', 'counted', 'counted', 'counted', 'counted']);
    assert.deepEqual(counts(stats), { received: 4, lost: 0 });
  });

  test('a single packet far off the sequence is neither a restart nor counted', () => {
    const stats = new ReceiveStatistics();
    assert.deepEqual(receive(stats, [100, 101, 102, 40000, 103, 104]), ['new-source', 'counted', 'counted', 'held', 'counted', 'counted']);
    assert.deepEqual(counts(stats), { received: 5, lost: 0 });
  });

  test('a new SSRC starts the statistics over at once', () => {
    const stats = new ReceiveStatistics();
    receive(stats, [1, 2, 5]);
    assert.deepEqual(receive(stats, [900, 901], 0xbeef), ['new-source', 'counted']);
    assert.deepEqual(stats.totals(), { packetsReceived: 2, packetsLost: 0, jitter: 0, remoteSsrc: 0xbeef });
  });

  test('given arrival times, a foreign SSRC interleaved with the current one is neither counted nor a new source; after a gap it takes over (§8.2)', () => {
    const stats = new ReceiveStatistics();
    assert.equal(stats.sequence(SSRC, 1, 0), 'new-source');
    assert.equal(stats.sequence(0xbad, 500, 10), 'foreign');
    assert.equal(stats.sequence(SSRC, 2, 20), 'counted');
    assert.equal(stats.sequence(0xbad, 501, 30), 'foreign');
    assert.equal(stats.sequence(SSRC, 3, 40), 'counted');
    assert.deepEqual(stats.totals(), { packetsReceived: 3, packetsLost: 0, jitter: 0, remoteSsrc: SSRC });
    // The current SSRC falls silent; the next one after the gap restarts the statistics.
    assert.equal(stats.sequence(0xfeed, 7000, 40 + SSRC_SWITCH_GAP_MS), 'new-source');
    assert.equal(stats.sequence(0xfeed, 7001, 60 + SSRC_SWITCH_GAP_MS), 'counted');
    assert.equal(stats.sequence(SSRC, 4, 70 + SSRC_SWITCH_GAP_MS), 'foreign');
    assert.deepEqual(stats.totals(), { packetsReceived: 2, packetsLost: 0, jitter: 0, remoteSsrc: 0xfeed });
  });
});

describe('RTP interarrival jitter (RFC 3550 §A.8)', () => {
  test('is zero for packets arriving exactly on their timestamps', () => {
    const stats = new ReceiveStatistics(8000);
    for (let i = 0; i < 10; i++) {
      stats.sequence(SSRC, i);
      stats.transit(160 * i, 20 * i);
    }
    assert.equal(stats.totals().jitter, 0);
  });

  test('moves a sixteenth of the way towards each transit-time difference', () => {
    const stats = new ReceiveStatistics(8000);
    stats.sequence(SSRC, 0);
    stats.transit(0, 0);
    stats.sequence(SSRC, 1);
    stats.transit(160, 30); // 10 ms = 80 timestamp units late
    assert.equal(stats.totals().jitter, 80 / 16);
    stats.sequence(SSRC, 2);
    stats.transit(320, 40); // back on time: 80 units earlier than the last
    assert.equal(stats.totals().jitter, 5 + (80 - 5) / 16);
  });

  test('a sequence restart keeps the jitter but does not compare old and new timestamps', () => {
    const stats = new ReceiveStatistics(8000);
    stats.sequence(SSRC, 30000);
    stats.transit(500000, 0);
    stats.sequence(SSRC, 30001);
    stats.transit(500160, 30);
    const before = stats.totals().jitter;
    stats.sequence(SSRC, 5);
    stats.sequence(SSRC, 6);
    stats.transit(0, 60);
    assert.equal(stats.totals().jitter, before);
  });
});

describe('RTCP report block (RFC 3550 §6.4.1)', () => {
  test('fraction lost is per interval, cumulative loss for the whole stream', () => {
    const stats = new ReceiveStatistics();
    receive(stats, [1, 2, 5, 6]);
    const first = stats.reportBlock(0);
    assert.deepEqual({ fraction: first?.fractionLost, cumulative: first?.cumulativeLost }, { fraction: Math.floor((2 * 256) / 6), cumulative: 2 });
    receive(stats, [7, 8, 9]);
    const second = stats.reportBlock(0);
    assert.deepEqual({ fraction: second?.fractionLost, cumulative: second?.cumulativeLost, ssrc: second?.ssrc }, { fraction: 0, cumulative: 2, ssrc: SSRC });
  });

  test('LSR is the middle of the last SR’s NTP timestamp and DLSR the time since, in 1/65536 s', () => {
    const stats = new ReceiveStatistics();
    receive(stats, [1]);
    assert.deepEqual([stats.reportBlock(0)?.lastSr, stats.reportBlock(0)?.delaySinceLastSr], [0, 0]);
    stats.senderReport({ ntpSeconds: 0x12345678, ntpFraction: 0x9abcdef0 }, 1000);
    const block = stats.reportBlock(2500);
    assert.equal(block?.lastSr, 0x56789abc);
    assert.equal(block?.delaySinceLastSr, 1.5 * 65536);
  });
});
