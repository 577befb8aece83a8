import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contactCost, DEFAULT_RATES, InvalidMonthError, monthlyCost, NO_QUEUE, numbersCost, RATE_SOURCES } from '../../src/contacts/cost.ts';
import type { Rates } from '../../src/instance/types.ts';
import { abandonedCall, flowOnlyCall, handledCall, iso, SALES, T0 } from './records.ts';

const span = (seconds: number) => ({ initiationTimestamp: iso(T0), disconnectTimestamp: iso(T0 + seconds * 1000) });

describe('cost per contact', () => {
  test('a 145 s call is billed per second on both charges', () => {
    // 145 s × (0.0056 + 0.018) USD / 60 s
    assert.deepEqual(contactCost(span(145)), { currency: 'USD', amount: 0.057033, billedMinutes: 2.416667 });
  });

  test('a 5 s call pays the one-minute telephony minimum and the 10 s service minimum', () => {
    // 60 s × 0.0056 / 60 + 10 s × 0.018 / 60 = 0.0056 + 0.003
    assert.deepEqual(contactCost(span(5)), { currency: 'USD', amount: 0.0086, billedMinutes: 1 });
  });

  test('between the minimums only telephony is held at one minute', () => {
    // 60 s × 0.0056 / 60 + 30 s × 0.018 / 60 = 0.0056 + 0.009
    assert.equal(contactCost(span(30)).amount, 0.0146);
  });

  test('a started second is billed as a whole second', () => {
    assert.equal(contactCost(span(90.2)).billedMinutes, 1.516667); // 91 s
  });

  test('records carry their cost, computed with the rates they were finalized with', () => {
    assert.deepEqual(handledCall('c', T0, { waitS: 5, talkS: 120 }).cost, contactCost(span(145), DEFAULT_RATES));
  });
});

describe('cost per month', () => {
  const rates: Rates = { ...DEFAULT_RATES, selfHostedMonthly: 12 };
  const march = Date.parse('2025-03-10T00:00:00Z');
  const records = [
    handledCall('m1', march, { waitS: 5, talkS: 115 }), // 140 s
    handledCall('m2', march + 3_600_000, { waitS: 10, talkS: 210, queue: SALES }), // 240 s
    abandonedCall('m3', march + 7_200_000, 40), // 60 s
    flowOnlyCall('m4', Date.parse('2025-03-31T23:59:00Z'), 15, 'AFTER_HOURS'), // already April in Tokyo; March in UTC
    flowOnlyCall('feb', Date.parse('2025-02-28T12:00:00Z'), 15, 'AFTER_HOURS'),
    flowOnlyCall('apr', Date.parse('2025-04-01T00:00:00Z'), 15, 'AFTER_HOURS'),
  ];

  test('sums the contacts initiated in the UTC month, by queue, next to the self-hosted cost', () => {
    const m = monthlyCost(records, rates, '2025-03');
    // telephony minutes: 140 + 240 + 60 + 60 (15 s held at the minimum) = 500 s
    // service: 140 + 240 + 60 + 15 = 455 s → 500 × 0.0056/60 + 455 × 0.018/60 = 0.046667 + 0.1365
    assert.equal(m.contacts, 4);
    assert.equal(m.billedMinutes, 8.333333);
    assert.equal(m.connectCost, 0.183167);
    assert.equal(m.selfHostedMonthly, 12);
    assert.deepEqual(Object.keys(m.byQueue).sort(), [NO_QUEUE, 'q-sales', 'q-support']);
    assert.deepEqual(m.byQueue['q-sales'], { queueName: 'Sales', contacts: 1, billedMinutes: 4, connectCost: 0.0944 });
    assert.equal(m.byQueue['q-support']?.contacts, 2);
    assert.equal(m.byQueue[NO_QUEUE]?.connectCost, 0.0101); // 0.0056 + 15 × 0.018/60
  });

  test('uses the rates given, not the ones stored on the records', () => {
    const m = monthlyCost(records, { currency: 'USD', inboundPerMinute: 0.006, voiceServicePerMinute: 0 }, '2025-03');
    assert.equal(m.connectCost, 0.05); // 500 s × 0.006 / 60
    assert.equal(m.selfHostedMonthly, undefined);
  });

  test('rejects a month that is not YYYY-MM', () => {
    for (const bad of ['2025-3', '2025-13', 'March', '2025-03-01']) {
      assert.throws(() => monthlyCost(records, rates, bad), (e: unknown) => e instanceof InvalidMonthError && e.month === bad);
    }
  });
});

describe('the DID daily fee', () => {
  const march = Date.parse('2025-03-10T00:00:00Z');
  const records = [handledCall('d1', march, { waitS: 5, talkS: 115 })]; // 140 s (with the flow's 20 s): 140 × 0.0236 / 60 = 0.055067

  test('every day of the month, for every number of the line, next to the per-minute charges', () => {
    const m = monthlyCost(records, DEFAULT_RATES, '2025-03', 2);
    assert.deepEqual(m.numbers, { count: 2, days: 31, cost: 6.2 }); // 31 days × 2 numbers × 0.10 USD
    assert.equal(m.connectCost, 0.055067);
    assert.equal(m.totalCost, 6.255067);
  });

  test('the days of the month: 28, 29 in a leap February, 30', () => {
    assert.deepEqual(numbersCost(DEFAULT_RATES, '2025-02', 1), { count: 1, days: 28, cost: 2.8 });
    assert.deepEqual(numbersCost(DEFAULT_RATES, '2024-02', 1), { count: 1, days: 29, cost: 2.9 });
    assert.deepEqual(numbersCost(DEFAULT_RATES, '2026-11', 3), { count: 3, days: 30, cost: 9 });
  });

  test('a line without numbers pays no fee; the rate comes from the definition when set there', () => {
    const none = monthlyCost(records, DEFAULT_RATES, '2025-03');
    assert.deepEqual(none.numbers, { count: 0, days: 31, cost: 0 });
    assert.equal(none.totalCost, none.connectCost);
    const own = monthlyCost(records, { ...DEFAULT_RATES, didPerDay: 0.5 }, '2025-03', 1);
    assert.equal(own.numbers.cost, 15.5);
    assert.equal(own.rates.didPerDay, 0.5);
    assert.equal(own.rates.sources.didPerDay, 'the instance definition (rates.didPerDay)');
  });

  test('the report says which rates it used and where they come from; a definition without didPerDay gets the default', () => {
    const m = monthlyCost(records, { currency: 'USD', inboundPerMinute: 0.0056, voiceServicePerMinute: 0.018 }, '2025-03', 1);
    assert.deepEqual(m.rates, {
      currency: 'USD', inboundPerMinute: 0.0056, voiceServicePerMinute: 0.018, didPerDay: 0.1, sources: RATE_SOURCES,
    });
    assert.match(RATE_SOURCES.voiceServicePerMinute, /https:\/\/aws\.amazon\.com\/connect\/pricing\//);
    assert.match(RATE_SOURCES.didPerDay, /https:\/\//);
    const changed = monthlyCost(records, { currency: 'USD', inboundPerMinute: 0.003, voiceServicePerMinute: 0.018 }, '2025-03');
    assert.equal(changed.rates.sources.inboundPerMinute, 'the instance definition (rates.inboundPerMinute)');
  });

  test("docs/deploy.md's worked example: 1,000 calls of 3 minutes in November, one number", () => {
    const nov = Date.parse('2026-11-02T00:00:00Z');
    const calls = Array.from({ length: 1000 }, (_, i) => handledCall(`w${i}`, nov + i * 60_000, { waitS: 0, talkS: 160 })); // 180 s with the flow's 20 s
    const m = monthlyCost(calls, DEFAULT_RATES, '2026-11', 1);
    assert.equal(m.billedMinutes, 3000);
    assert.equal(m.connectCost, 70.8); // 3,000 min × (0.018 + 0.0056)
    assert.deepEqual(m.numbers, { count: 1, days: 30, cost: 3 });
    assert.equal(m.totalCost, 73.8);
  });
});
