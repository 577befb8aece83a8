// flows/direct-line.json, end to end on the demo company: every ending of the call.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runTextCall, VirtualClock } from '../../src/runtime/text-call.ts';
import { actionsTaken, callAt, demoDataDir, openDemoLine, promptsHeard } from './support.ts';

const TUESDAY_10AM = '2026-11-24T10:00:00+09:00';

describe('the direct line (flows/direct-line.json)', () => {
  const dir = demoDataDir();

  test('on an open weekday, customer 1001 is put through to the queue of their project', async () => {
    const { result } = await callAt(dir, TUESDAY_10AM, '1001#');
    assert.equal(result.outcome, 'queued');
    assert.equal(result.state.queue?.id, 'project-sakura');
    assert.equal(result.state.storedCustomerInput, '1001');
    assert.equal(result.state.attributes['customerNumber'], '1001');
    assert.deepEqual(result.state.recordedParticipants, ['Agent', 'Customer']);
    assert.deepEqual(actionsTaken(result), [
      'set-logging', 'set-voice', 'check-hours', 'check-holiday', 'is-holiday', 'get-customer-number',
      'lookup-customer', 'check-lookup-status', 'set-customer-attributes', 'set-customer-queue', 'set-recording',
      'set-queue-flow', 'transfer-message', 'transfer-to-queue',
    ]);
    const transfer = result.effects.find((e) => e.effect.type === 'TransferToQueue');
    assert.ok(transfer, 'the contact is handed to the queue');
    assert.equal(result.unusedKeys, '');
  });

  test('the lookup function receives the Connect event with the digits and the caller', async () => {
    const { result } = await callAt(dir, TUESDAY_10AM, '1002#');
    const invoke = result.effects.map((e) => e.effect).find((e) => e.type === 'InvokeFunction' && e.actionId === 'lookup-customer');
    assert.ok(invoke && invoke.type === 'InvokeFunction');
    assert.equal(invoke.event.Name, 'ContactFlowEvent');
    assert.deepEqual(invoke.event.Details.Parameters, { customerNumber: '1002' });
    assert.equal(invoke.event.Details.ContactData.CustomerEndpoint?.Address, '+819012345678');
    assert.equal(result.state.queue?.id, 'project-fuji');
  });

  for (const [when, at] of [['after hours', '2026-11-24T18:00:00+09:00'], ['before opening', '2026-11-24T08:59:00+09:00'], ['on a Saturday', '2026-11-28T10:00:00+09:00']] as const) {
    test(`${when} the caller hears the after-hours message and is disconnected`, async () => {
      const { result } = await callAt(dir, at, '1001#');
      assert.deepEqual(actionsTaken(result), ['set-logging', 'set-voice', 'check-hours', 'after-hours-message', 'disconnect']);
      assert.equal(result.state.ending?.reason, 'DISCONNECTED_BY_FLOW');
      assert.match(promptsHeard(result)[0] ?? '', /営業時間外/);
      assert.equal(result.unusedKeys, '1001#', 'no input was asked for');
    });
  }

  for (const [what, at, name] of [
    ['a public holiday (Labour Thanksgiving Day)', '2026-11-23T10:00:00+09:00', '勤労感謝の日'],
    ['a substitute holiday', '2026-05-06T10:00:00+09:00', '振替休日'],
    ["a citizens' holiday", '2026-09-22T10:00:00+09:00', '国民の休日'],
    ['a company closure (year end)', '2026-12-30T10:00:00+09:00', '年末年始休業'],
    ['a company closure across the new year', '2027-01-04T10:00:00+09:00', undefined],
  ] as const) {
    test(`on ${what} the holiday check decides`, async () => {
      const { result } = await callAt(dir, at, '1001#');
      if (name === undefined) {
        assert.equal(result.outcome, 'queued', '2027-01-04 is the first working day');
        return;
      }
      assert.ok(actionsTaken(result).includes('holiday-message'), actionsTaken(result).join(' → '));
      assert.ok(promptsHeard(result).some((t) => t.includes(name)), promptsHeard(result).join(' / '));
      assert.equal(result.state.ending?.reason, 'DISCONNECTED_BY_FLOW');
    });
  }

  test('a closure added in the database applies to the next call', async () => {
    const d = demoDataDir();
    assert.equal((await callAt(d, '2026-11-25T10:00:00+09:00', '1001#')).result.outcome, 'queued');
    const line = await openDemoLine(d, new VirtualClock(Date.now()));
    line.closures.add({ from: '2026-11-25', to: '2026-11-25', name: '社内研修' });
    line.close();
    const { result } = await callAt(d, '2026-11-25T10:00:00+09:00', '1001#');
    assert.ok(promptsHeard(result).some((t) => t.includes('社内研修')));
  });

  test('an unknown number gets "not found" and a second try, then success', async () => {
    const { result } = await callAt(dir, TUESDAY_10AM, '9999#1002#');
    const taken = actionsTaken(result);
    assert.equal(taken.filter((a) => a === 'not-found-message').length, 1);
    assert.equal(taken.filter((a) => a === 'get-customer-number').length, 2);
    assert.equal(result.state.queue?.id, 'project-fuji');
    assert.equal(result.outcome, 'queued');
  });

  test('three wrong tries go to the general queue', async () => {
    const { result } = await callAt(dir, TUESDAY_10AM, '1#22#333#');
    const taken = actionsTaken(result);
    assert.equal(taken.filter((a) => a === 'lookup-customer').length, 3);
    assert.ok(taken.includes('too-many-tries-message'));
    assert.equal(result.state.queue?.id, 'general');
    assert.equal(result.outcome, 'queued');
  });

  test('"*#" cancels and sends nothing: a not-found, not a crash', async () => {
    const { result } = await callAt(dir, TUESDAY_10AM, '*#1001#');
    const lookups = result.state.path.filter((p) => p.actionId === 'lookup-customer');
    assert.equal(lookups[0]?.detail['parameters'], '{"customerNumber":""}');
    assert.ok(actionsTaken(result).includes('not-found-message'));
    assert.equal(result.state.queue?.id, 'project-sakura');
  });

  test('"*****#" and over-long input are not-founds too', async () => {
    const { result } = await callAt(dir, TUESDAY_10AM, '*****#123456789012345678901');
    assert.ok(actionsTaken(result).includes('not-found-message'));
    assert.notEqual(result.state.ending?.reason, 'FLOW_ERROR');
  });

  test('a silent caller is asked three times, then goes to the general queue', async () => {
    const { result } = await callAt(dir, TUESDAY_10AM, '');
    const inputs = result.state.path.filter((p) => p.actionId === 'get-customer-number').map((p) => p.detail['input']);
    assert.deepEqual(inputs, ['Timeout', 'Timeout', 'Timeout']);
    assert.equal(result.state.queue?.id, 'general');
  });

  describe('"," in the keys is one whole input timeout', () => {
    const inputsOf = (r: Awaited<ReturnType<typeof callAt>>['result']) =>
      r.state.path.filter((p) => p.actionId === 'get-customer-number').map((p) => p.detail['input']);

    test('",1001#": the first ask times out, the second gets the number', async () => {
      const { result } = await callAt(dir, TUESDAY_10AM, ',1001#');
      assert.deepEqual(inputsOf(result), ['Timeout', '1001']);
      assert.equal(result.state.queue?.id, 'project-sakura');
    });

    test('",,1001#": two timeouts, then the number on the third ask', async () => {
      const { result } = await callAt(dir, TUESDAY_10AM, ',,1001#');
      assert.deepEqual(inputsOf(result), ['Timeout', 'Timeout', '1001']);
      assert.equal(result.state.queue?.id, 'project-sakura');
    });

    test('",,,": three timeouts walk the no-input path three times, to the general queue; the keys after are unused', async () => {
      const { result } = await callAt(dir, TUESDAY_10AM, ',,,1001#');
      assert.deepEqual(inputsOf(result), ['Timeout', 'Timeout', 'Timeout']);
      assert.ok(actionsTaken(result).includes('too-many-tries-message'));
      assert.equal(result.state.queue?.id, 'general');
      assert.equal(result.unusedKeys, '1001#');
    });

    test('a timeout waits out the input time limit after the prompt (10 s in the flow)', async () => {
      const { result } = await callAt(dir, TUESDAY_10AM, ',1001#');
      const [ask, lookup] = result.state.path.filter((p) => p.actionId === 'get-customer-number' || p.actionId === 'lookup-customer');
      assert.ok(ask && lookup);
      assert.ok(lookup.at - ask.at >= 10_000, `${lookup.at - ask.at} ms`);
    });

    test('after a key, "," is the interdigit timeout: "100," sends 100', async () => {
      const { result } = await callAt(dir, TUESDAY_10AM, '100,1001#');
      assert.deepEqual(inputsOf(result), ['100', '1001']);
      assert.equal(result.state.queue?.id, 'project-sakura');
    });
  });

  test('a queue at capacity plays the busy message', async () => {
    const { result } = await callAt(dir, TUESDAY_10AM, '1001#', {
      onTransfer: (_e, at) => ({ type: 'QueueTransferFailed', error: 'QueueAtCapacity', at }),
    });
    assert.deepEqual(actionsTaken(result).slice(-3), ['transfer-to-queue', 'queue-busy-message', 'disconnect']);
  });

  test('a failing holiday function takes the error branch: error message, then disconnect', async () => {
    const d = demoDataDir((def, at) => {
      writeFileSync(join(at, 'broken-holiday.mjs'), 'export const handler = async () => { throw new Error("calendar down"); };\n');
      const fn = def.functions.find((f) => f.handler === 'holiday-check');
      if (fn) fn.handler = './broken-holiday.mjs';
    });
    const { result } = await callAt(d, TUESDAY_10AM, '1001#');
    assert.deepEqual(actionsTaken(result).slice(-3), ['check-holiday', 'error-message', 'disconnect']);
    assert.match(result.state.path.find((p) => p.actionId === 'check-holiday')?.detail['error'] ?? '', /calendar down/);
  });

  test('a lookup that exceeds its time limit takes the error branch', async () => {
    const d = demoDataDir((def, at) => {
      writeFileSync(join(at, 'slow-lookup.mjs'), 'export const handler = () => new Promise(() => {});\n');
      const fn = def.functions.find((f) => f.handler === 'customer-lookup');
      if (fn) { fn.handler = './slow-lookup.mjs'; fn.timeoutSeconds = 1; }
    });
    const { result } = await callAt(d, TUESDAY_10AM, '1001#');
    assert.deepEqual(actionsTaken(result).slice(-3), ['lookup-customer', 'error-message', 'disconnect']);
    assert.match(result.state.path.find((p) => p.actionId === 'lookup-customer')?.detail['error'] ?? '', /Timeout/);
  });

  test('a store failure in the lookup is a 500: error message, not a crash', async (t) => {
    const logged = t.mock.method(console, 'error', () => undefined); // asserted below, not printed
    const clock = new VirtualClock(Date.parse(TUESDAY_10AM));
    const line = await openDemoLine(demoDataDir(), clock);
    try {
      line.db.exec('DROP TABLE customers'); // the directory's statements now fail at run time
      const result = await runTextCall({ catalog: line.catalog, flow: line.entryFlow(), clock, functions: line.functions, keys: '1001#' });
      assert.equal(result.state.path.find((p) => p.actionId === 'check-lookup-status')?.detail['value'], '500');
      assert.deepEqual(actionsTaken(result).slice(-2), ['error-message', 'disconnect']);
      assert.equal(logged.mock.callCount(), 1);
      assert.match(String(logged.mock.calls[0]?.arguments[0]), /^customer-lookup: directory failed for contact /);
      assert.match(String(logged.mock.calls[0]?.arguments[1]), /no such table: customers/);
    } finally {
      line.close();
    }
  });
});
