// Amazon Connect's Testing language, run locally: the direct line's shipped test cases
// (tests/connect/) all pass against the demo line, and a broken case fails saying which observation
// did not happen and what happened instead.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { provisionDemo } from '../../src/app/demo.ts';
import { openLine, type Line } from '../../src/app/line.ts';
import { VirtualClock } from '../../src/runtime/text-call.ts';
import { runTestFiles, testCaseFiles } from '../../src/testing/suite.ts';
import { generateTestCase } from '../../src/testing/generate.ts';
import { runTestCase, type TestLine } from '../../src/testing/runner.ts';

const CASES = join(import.meta.dirname, '..', '..', 'tests', 'connect');

describe('the direct line\'s Connect test cases (tests/connect)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-connect-tests-'));
  const clock = new VirtualClock(Date.parse('2026-11-24T10:00:00+09:00'));
  let line: Line;
  let testLine: TestLine;

  before(async () => {
    await provisionDemo(dir, { force: false, now: clock.now() });
    line = await openLine(dir, { now: () => clock.now() });
    testLine = { catalog: line.catalog, functions: line.functions, entryFlow: (d) => line.entryFlow(d), clock };
  });
  after(() => {
    line?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('cover every ending of flows/direct-line.json, and all pass', async () => {
    const files = testCaseFiles([CASES]);
    assert.deepEqual(files.map((f) => f.slice(CASES.length + 1)), [
      'after-hours.json', 'closure.json', 'holiday.json', 'lookup-failure.json', 'open-day-ranked-agent.json',
      'three-wrong-tries.json', 'unknown-then-right-number.json',
    ]);
    const results = await runTestFiles(files, testLine);
    for (const r of results) assert.equal(r.result?.passed, true, `${r.file}: ${r.result?.failure ?? r.problems?.join('; ')}`);
    // Between them the cases reach every way out of the flow.
    const ends = new Set(results.flatMap((r) => r.result?.state.path.map((p) => p.actionId) ?? []));
    for (const id of ['after-hours-message', 'holiday-message', 'not-found-message', 'too-many-tries-message', 'set-customer-queue', 'set-general-queue', 'error-message', 'transfer-to-queue']) {
      assert.ok(ends.has(id), `some case runs ${id}`);
    }
  });

  test('the line\'s own flows pass their generated cases too (src/testing/generate.ts)', async () => {
    for (const ref of line.definition.flows) {
      const flow = line.catalog.flow(ref.id);
      assert.ok(flow, ref.id);
      clock.setTo(Date.parse('2026-11-24T10:00:00+09:00'));
      const r = await runTestCase(generateTestCase(flow), testLine);
      assert.equal(r.passed, true, `${ref.id}: ${r.failure}`);
      assert.deepEqual(r.observed.slice(1, -1), r.state.path.map((p) => p.actionId), `${ref.id}: every action observed in turn`);
      assert.notEqual(r.state.ending?.reason, 'FLOW_ERROR', r.state.ending?.message);
    }
  });

  test('a case whose observation does not happen fails with it and with what happened instead', async () => {
    const broken = join(dir, 'broken.json');
    const doc = JSON.parse(readFileSync(join(CASES, 'after-hours.json'), 'utf8'));
    doc.Content.Observations[1].Event.Properties.Text = '本日は祝日です';
    writeFileSync(broken, JSON.stringify(doc));
    const [r] = await runTestFiles([broken], testLine);
    assert.equal(r?.result?.passed, false);
    assert.match(r?.result?.failure ?? '', /^observation "after-hours" \(MessageReceived "本日は祝日です"\) did not happen after "start"; instead: MessageReceived ".*ただいま営業時間外です.*" → TestCompleted → the contact ended \(DISCONNECTED_BY_FLOW\)$/);
  });

  test('a failed assertion names the observation, the action, the expectation and the value', async () => {
    const broken = join(dir, 'wrong-queue.json');
    writeFileSync(broken, readFileSync(join(CASES, 'open-day-ranked-agent.json'), 'utf8').replace('"Operand": "さくら邸リフォーム"', '"Operand": "富士ビル改修"'));
    const [r] = await runTestFiles([broken], testLine);
    assert.equal(r?.result?.failure, 'observation "to-queue", action "queue-is": Assert $.Queue.Name Equals "富士ビル改修" failed: it is "さくら邸リフォーム"');
  });

  test('a file that is not a test case lists its problems', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ Version: '2025-06-21', Observations: [{ Identifier: 'a', Event: { Type: 'Nope' }, Transitions: { NextObservations: ['b'] } }] }));
    const [r] = await runTestFiles([bad], testLine);
    assert.deepEqual(r?.problems, [
      '$.Observations[0].Event.Type: one of TestInitiated, MessageReceived, FlowActionStarted, TestCompleted',
      '$.Observations[0].Transitions.NextObservations[0]: no observation "b"',
    ]);
  });
});
