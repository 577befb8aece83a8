// Real Amazon Connect flows exported by others (../shared/connect-flows, see its SOURCES.md):
// every one loads, `flow check` says precisely what it finds, and every runnable one takes a
// contact to an ending.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { isWithinHours } from '../../src/calendar/hours.ts';
import type { FlowCatalog, QueueInfo } from '../../src/flow/catalog.ts';
import type { Flow, FlowType, QueueMetricType } from '../../src/flow/types.ts';
import { checkFlowText, checkPasses } from '../../src/flow/validate.ts';
import { runTextCall, VirtualClock } from '../../src/runtime/text-call.ts';
import { generateTestCase } from '../../src/testing/generate.ts';
import { describeEvent, runTestCase } from '../../src/testing/runner.ts';

// The shared folder sits beside the project's checkout; CHOKUTSU_CONNECT_FLOWS overrides it.
const CANDIDATES = [
  process.env['CHOKUTSU_CONNECT_FLOWS'],
  resolve(import.meta.dirname, '..', '..', '..', 'shared', 'connect-flows'),
  '/work/shared/connect-flows',
].filter((p): p is string => p !== undefined && p !== '');
const ROOT = CANDIDATES.find((p) => existsSync(p)) ?? (CANDIDATES[1] as string);

function flowFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return flowFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

const files = existsSync(ROOT) ? flowFiles(ROOT) : [];
const check = (file: string) => checkFlowText(readFileSync(file, 'utf8'), { id: relative(ROOT, file) });

/** An instance that has none of the exporters' queues, prompts, hours or functions. */
function foreignCatalog(flow: Flow): FlowCatalog {
  return {
    instanceArn: 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu',
    languageCode: 'en-US',
    flow: (ref) => (ref === flow.id ? flow : undefined),
    queue: () => undefined,
    agentQueue: () => undefined,
    hoursOfOperation: () => undefined,
    prompt: () => undefined,
  };
}

describe('real Amazon Connect flows', { skip: existsSync(ROOT) ? false : `no exported flows at ${CANDIDATES.join(' or ')}` }, () => {
  test('all 27 exported flows are there', () => {
    assert.equal(files.length, 27);
  });

  for (const file of files) {
    const name = relative(ROOT, file);
    test(`${name} loads and is checked without throwing`, () => {
      const result = check(file);
      for (const p of result.problems) {
        assert.ok(p.path.startsWith('$'), `${p.code} has a JSON path`);
        if (p.code !== 'invalid-json' && p.code !== 'invalid-document' && p.code !== 'unknown-version') {
          assert.ok(p.actionId, `${p.code} at ${p.path} names its action`);
        }
      }
    });
  }

  test('the file that is not JSON is reported with its line, and nothing else', () => {
    const result = check(join(ROOT, 'goodmeasures-staging', 'sample_ab_test.json'));
    assert.deepEqual(result.problems.map((p) => p.code), ['invalid-json']);
    assert.match(result.problems[0]?.message ?? '', /line 90, column 11/);
    assert.equal(result.flow, undefined);
  });

  test('CDK placeholders and the non-Connect type TransferToQueue are reported', () => {
    const result = check(join(ROOT, 'godwillcho-cdk', 'sales_main_flow.json'));
    const unknown = result.problems.find((p) => p.code === 'unknown-type');
    assert.equal(unknown?.actionId, '87654321-4321-4321-4321-210987654321');
    assert.equal(unknown?.path, '$.Actions[1].Type');
    assert.match(unknown?.message ?? '', /TransferContactToQueue/);
    assert.deepEqual(result.problems.filter((p) => p.code === 'placeholder').map((p) => p.path),
      ['$.Actions[0].Parameters.Text', '$.Actions[1].Parameters.QueueId']);
  });

  test('Terraform ${...} placeholders are warnings naming the parameter', () => {
    const result = check(join(ROOT, 'goodmeasures-staging', 'sample_secure_input_with_no_agent.json'));
    const placeholders = result.problems.filter((p) => p.code === 'placeholder');
    assert.ok(placeholders.length >= 1);
    assert.ok(placeholders.every((p) => p.severity === 'warning' && p.path.endsWith('Parameters.ContactFlowId')));
    assert.ok(result.flow, 'still runnable: Connect would take the error branch');
  });

  test('action types chokutsu does not run yet are listed per flow', () => {
    const unsupported = new Set(files.flatMap((f) => check(f).unsupportedTypes));
    assert.deepEqual([...unsupported].sort(), [
      'CompleteOutboundCall', 'CreateTask', 'UpdatePreviousContactParticipantState',
    ]);
    assert.deepEqual(check(join(ROOT, 'goodmeasures-staging', 'sample_queue_configurations_flow.json')).unsupportedTypes, []);
  });

  test('flow check passes 17 of the 27 (placeholders are warnings that pass unless --strict); the rest need what is not here', () => {
    const failing = files.filter((f) => !checkPasses(check(f))).map((f) => relative(ROOT, f));
    assert.deepEqual(failing, [
      // CDK hold/transfer flows: a MessageParticipant without transitions, a real dead end.
      'godwillcho-cdk/sales_hold_flow.json', 'godwillcho-cdk/sales_main_flow.json', 'godwillcho-cdk/sales_transfer_flow.json',
      'godwillcho-cdk/support_hold_flow.json', 'godwillcho-cdk/support_main_flow.json', 'godwillcho-cdk/support_transfer_flow.json',
      'goodmeasures-staging/_0x_gm_outbound.json', 'goodmeasures-staging/sample_ab_test.json',
      'goodmeasures-staging/sample_inbound_flow_first_contact_experience.json', 'goodmeasures-staging/sample_secure_input_with_agent.json',
    ]);
    assert.equal(files.length - failing.length, 17);
    assert.ok(files.every((f) => checkPasses(check(f), true) === (check(f).problems.length === 0)), '--strict fails on any problem');
  });

  test('every known-but-not-here type in a real export says why; none is "not a Flow Language action type"', () => {
    for (const f of files) {
      for (const p of check(f).problems) {
        if (p.code === 'unsupported-type') assert.match(p.message, /known but not supported here: \S/, relative(ROOT, f));
        if (p.code === 'unknown-type') assert.match(p.message, /"TransferToQueue"/, 'only the CDK flows\' made-up type is unknown');
      }
    }
  });

  const runnable = files.filter((f) => check(f).flow !== undefined);
  test('every flow whose action types are all supported is runnable', () => {
    for (const f of files) {
      const r = check(f);
      const allSupported = r.unsupportedTypes.length === 0 && !r.problems.some((p) => p.code === 'unknown-type' || p.code === 'invalid-json');
      assert.equal(r.flow !== undefined, allSupported, relative(ROOT, f));
    }
    assert.equal(runnable.length, 21, `${runnable.length} runnable`);
  });

  // The same flows as a transfer or customer queue flow would run them: the contact is already in a
  // queue that is open around the clock, with one agent staffed and three contacts waiting.
  const support: QueueInfo = { id: 'support', arn: 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu/queue/support', name: 'Support', hoursOfOperationId: 'always' };
  const metrics: Record<QueueMetricType, number> = {
    NumberOfAgentsAvailable: 1, NumberOfAgentsStaffed: 1, NumberOfAgentsOnline: 1, OldestContactInQueueAgeSeconds: 45, NumberOfContactsInQueue: 3,
  };
  const agentQueue = (id: string): QueueInfo => ({ id: `agent:${id}`, arn: `agent:${id}`, name: `agent:${id}`, agentId: id });
  const always = { id: 'always', name: 'always', config: (['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const).map((Day) => ({ Day, StartTime: { Hours: 0, Minutes: 0 }, EndTime: { Hours: 0, Minutes: 0 } })) };
  const queuedCatalog = (flow: Flow): FlowCatalog => ({
    ...foreignCatalog(flow),
    queue: (ref) => (ref === 'support' || ref === support.arn ? support : ref.startsWith('agent:') ? agentQueue(ref.slice('agent:'.length)) : undefined),
    agentQueue: (ref) => agentQueue(ref.split('/').pop() ?? ref),
    hoursOfOperation: (ref) => (ref === 'always' ? { ...always, arn: 'always', isOpen: (at) => isWithinHours(always, new Date(at), 'Asia/Tokyo') } : undefined),
    queueMetric: (_queueId, metric) => metrics[metric],
    // Every Connect instance has its default prompts (hold music …): stand one in for any prompt ARN.
    prompt: (ref) => (ref.includes('/prompt/') ? { id: ref.split('/').pop() ?? ref, arn: ref, name: 'default prompt' } : undefined),
  });
  for (const file of runnable) {
    test(`${relative(ROOT, file)} runs with the contact already in a queue (router metrics, hours by queue)`, async () => {
      const flow = check(file).flow as Flow;
      const result = await runTextCall({
        catalog: queuedCatalog(flow), flow, keys: '1#', queue: support,
        clock: new VirtualClock(Date.parse('2026-11-24T10:00:00+09:00')),
        functions: new Map(), patienceSeconds: 600,
      });
      assert.ok(result.state.status === 'ended' || result.state.status === 'queued', result.state.status);
      assert.notEqual(result.state.ending?.reason, 'FLOW_ERROR', result.state.ending?.message);
    });
  }

  test('the default queue transfer flow checks staffed agents with CheckMetricData, then transfers', async () => {
    const flow = check(join(ROOT, 'goodmeasures-staging', 'default_queue_transfer.json')).flow as Flow;
    const result = await runTextCall({
      catalog: queuedCatalog(flow), flow, keys: '', queue: support,
      clock: new VirtualClock(Date.parse('2026-11-24T10:00:00+09:00')), functions: new Map(),
    });
    assert.deepEqual(result.state.path.map((p) => p.type), ['CheckHoursOfOperation', 'CheckMetricData', 'MessageParticipant', 'TransferContactToQueue']);
    assert.equal(result.outcome, 'queued');
  });

  test('the default customer queue flow loops its messages until the caller leaves', async () => {
    const flow = check(join(ROOT, 'goodmeasures-staging', 'default_customer_queue.json')).flow as Flow;
    const result = await runTextCall({
      catalog: queuedCatalog(flow), flow, keys: '', queue: support, patienceSeconds: 120,
      clock: new VirtualClock(Date.parse('2026-11-24T10:00:00+09:00')), functions: new Map(),
    });
    const plays = result.effects.filter((e) => e.effect.type === 'PlayPrompt').length;
    assert.ok(plays >= 3, `${plays} messages played`);
    assert.equal(result.state.ending?.reason, 'CUSTOMER_DISCONNECT');
  });

  test('the default agent transfer flow rings the agent of the contact\'s agent queue', async () => {
    const flow = check(join(ROOT, 'goodmeasures-staging', 'default_agent_transfer.json')).flow as Flow;
    const result = await runTextCall({
      catalog: queuedCatalog(flow), flow, keys: '', queue: { id: 'agent:sato', arn: 'agent:sato', name: 'sato', agentId: 'sato' },
      clock: new VirtualClock(Date.parse('2026-11-24T10:00:00+09:00')), functions: new Map(),
    });
    const transfer = result.effects.find((e) => e.effect.type === 'TransferToAgent')?.effect;
    assert.ok(transfer && transfer.type === 'TransferToAgent');
    assert.equal(transfer.agentId, 'sato');
  });

  // Its hold loop (MessageParticipantIteratively) plays a prompt of the exporting instance and has no
  // error branch: with that prompt unknown here, the flow fails, as it would on another instance.
  const failsOnForeignPrompt = new Set(['goodmeasures-staging/sample_interruptible_queue_flow_with_callback.json']);
  for (const file of runnable.filter((f) => !failsOnForeignPrompt.has(relative(ROOT, f)))) {
    for (const keys of ['', '1#', '2', '1234567890#']) {
      test(`${relative(ROOT, file)} takes a contact to an ending (keys "${keys}")`, async () => {
        const flow = check(file).flow as Flow;
        const result = await runTextCall({
          catalog: foreignCatalog(flow), flow, keys,
          clock: new VirtualClock(Date.parse('2026-11-24T10:00:00+09:00')),
          functions: new Map(), patienceSeconds: 3600,
        });
        assert.ok(result.state.status === 'ended' || result.state.status === 'queued', result.state.status);
        assert.ok(result.state.path.length > 0);
        assert.notEqual(result.state.ending?.reason, 'FLOW_ERROR', result.state.ending?.message);
      });
    }
  }

  // The conformance suite as a Testing-language suite: each runnable flow gets a generated case
  // (src/testing/generate.ts) run by `chokutsu test`'s runner. Generated when the test runs, because
  // the flows live outside the project (SOURCES.md) and a case must follow its flow as it is.
  test('the flows that cannot run here are listed with the reason', () => {
    const reasons = Object.fromEntries(files.filter((f) => check(f).flow === undefined).map((f) => {
      const r = check(f);
      const why = r.unsupportedTypes.length > 0 ? `not here: ${r.unsupportedTypes.join(', ')}`
        : r.problems.filter((p) => p.severity === 'error').map((p) => p.code).join(', ');
      return [relative(ROOT, f), why];
    }));
    assert.deepEqual(reasons, {
      'godwillcho-cdk/sales_main_flow.json': 'unknown-type',
      'godwillcho-cdk/support_main_flow.json': 'unknown-type',
      'goodmeasures-staging/_0x_gm_outbound.json': 'not here: CompleteOutboundCall',
      'goodmeasures-staging/sample_ab_test.json': 'invalid-json',
      'goodmeasures-staging/sample_inbound_flow_first_contact_experience.json': 'not here: CreateTask',
      'goodmeasures-staging/sample_secure_input_with_agent.json': 'not here: UpdatePreviousContactParticipantState',
    });
  });

  for (const file of runnable) {
    test(`${relative(ROOT, file)}: its generated Testing-language case passes`, async () => {
      const flow = check(file).flow as Flow;
      const testCase = generateTestCase(flow);
      const clock = new VirtualClock(Date.parse('2026-11-24T10:00:00+09:00'));
      const result = await runTestCase(testCase, { catalog: foreignCatalog(flow), functions: new Map(), entryFlow: () => flow, clock });
      if (failsOnForeignPrompt.has(relative(ROOT, file))) {
        assert.equal(result.state.ending?.reason, 'FLOW_ERROR');
        assert.match(result.state.ending?.message ?? '', /has no transition for error NoMatchingError/);
        return;
      }
      assert.equal(result.passed, true, `${result.failure}\n${result.events.map(describeEvent).join('\n')}`);
      // The path reached an ending through the flow's own actions, each observed in turn.
      assert.equal(result.observed[0], 'test-initiated');
      assert.equal(result.observed.at(-1), 'test-completed');
      assert.deepEqual(result.observed.slice(1, -1), result.state.path.map((s) => s.actionId));
      assert.ok(result.state.path.length >= 1);
      assert.notEqual(result.state.ending?.reason, 'FLOW_ERROR', result.state.ending?.message);
    });
  }

  test('a generated case presses the menu key it expects, enters stored input and mocks the function it expects to succeed', async () => {
    const recording = check(join(ROOT, 'goodmeasures-staging', 'sample_recording_behavior.json')).flow as Flow;
    const clock = new VirtualClock(Date.parse('2026-11-24T10:00:00+09:00'));
    const r = await runTestCase(generateTestCase(recording), { catalog: foreignCatalog(recording), functions: new Map(), entryFlow: () => recording, clock });
    assert.deepEqual(r.state.path.map((s) => s.type).slice(0, 5), ['Compare', 'MessageParticipant', 'GetParticipantInput', 'UpdateContactRecordingBehavior', 'TransferToFlow']);
    assert.equal(r.state.path[3]?.actionId, '8a2cf897-4db1-4524-8acf-d8349bf3b5ee', 'key 1: agent and customer recording');

    const lambda = check(join(ROOT, 'goodmeasures-staging', 'sample_lambda_integration.json')).flow as Flow;
    const l = await runTestCase(generateTestCase(lambda), { catalog: foreignCatalog(lambda), functions: new Map(), entryFlow: () => lambda, clock });
    assert.equal(l.passed, true, l.failure);
    assert.deepEqual(l.state.path.map((s) => s.type).slice(0, 4), ['MessageParticipant', 'InvokeLambdaFunction', 'Compare', 'Compare']);

    const secure = check(join(ROOT, 'goodmeasures-staging', 'sample_secure_input_with_no_agent.json')).flow as Flow;
    const c = await runTestCase(generateTestCase(secure), { catalog: foreignCatalog(secure), functions: new Map(), entryFlow: () => secure, clock });
    assert.equal(c.passed, true, c.failure);
    assert.equal(c.state.attributes['EncryptedCreditCard'], '4111111111111111', 'stored input: the digits before #');
  });

  test('a generated case fails when the contact takes another branch than the one it expects', async () => {
    const flow = check(join(ROOT, 'goodmeasures-staging', 'sample_recording_behavior.json')).flow as Flow;
    const testCase = generateTestCase(flow);
    // Press 2 where the case expects key 1's branch (agent and customer recording).
    const menu = testCase.content.Observations.find((o) => o.Identifier === '356d5413-950c-43f1-ab5b-bf8b39ee87f4');
    const press = menu?.Actions?.[0]?.Parameters as { Instruction: { Properties: { Value: string } } };
    press.Instruction.Properties.Value = '2';
    const r = await runTestCase(testCase, { catalog: foreignCatalog(flow), functions: new Map(), entryFlow: () => flow, clock: new VirtualClock(0) });
    assert.equal(r.passed, false);
    assert.match(r.failure ?? '', /^observation "8a2cf897-4db1-4524-8acf-d8349bf3b5ee" \(FlowActionStarted UpdateContactRecordingBehavior .*\) did not happen after "356d5413-/);
  });

  // Each export as the flow type its name says (Connect's default flows and samples, the CDK app's
  // main/hold/transfer flows): the reference's restrictions accept them, except where Connect would too.
  const FLOW_TYPE_OF: Record<string, FlowType> = {
    'godwillcho-cdk/sales_hold_flow.json': 'CUSTOMER_HOLD', 'godwillcho-cdk/support_hold_flow.json': 'CUSTOMER_HOLD',
    'godwillcho-cdk/sales_transfer_flow.json': 'QUEUE_TRANSFER', 'godwillcho-cdk/support_transfer_flow.json': 'QUEUE_TRANSFER',
    'goodmeasures-staging/_0x_gm_outbound.json': 'OUTBOUND_WHISPER', 'goodmeasures-staging/_0x_whisper_flow.json': 'AGENT_WHISPER',
    'goodmeasures-staging/default_agent_hold.json': 'AGENT_HOLD', 'goodmeasures-staging/default_agent_transfer.json': 'AGENT_TRANSFER',
    'goodmeasures-staging/default_agent_whisper.json': 'AGENT_WHISPER', 'goodmeasures-staging/default_customer_hold.json': 'CUSTOMER_HOLD',
    'goodmeasures-staging/default_customer_queue.json': 'CUSTOMER_QUEUE', 'goodmeasures-staging/default_customer_whisper.json': 'CUSTOMER_WHISPER',
    'goodmeasures-staging/default_outbound.json': 'OUTBOUND_WHISPER', 'goodmeasures-staging/default_queue_transfer.json': 'QUEUE_TRANSFER',
    'goodmeasures-staging/sample_interruptible_queue_flow_with_callback.json': 'CUSTOMER_QUEUE',
  };
  test('as the flow types their names say, only the CDK hold flows break a restriction: MessageParticipant is not for hold flows', () => {
    const violations = files.flatMap((f) => {
      const name = relative(ROOT, f);
      const r = checkFlowText(readFileSync(f, 'utf8'), { id: name, type: FLOW_TYPE_OF[name] ?? 'CONTACT_FLOW' });
      return r.problems.filter((p) => p.code === 'not-in-flow-type').map((p) => `${name} ${p.actionId}: ${p.message}`);
    });
    assert.deepEqual(violations, [
      'godwillcho-cdk/sales_hold_flow.json holdmusic-1: MessageParticipant is not allowed in a CUSTOMER_HOLD flow (Connect\'s reference, "Restrictions")',
      'godwillcho-cdk/support_hold_flow.json support-hold-1: MessageParticipant is not allowed in a CUSTOMER_HOLD flow (Connect\'s reference, "Restrictions")',
    ]);
  });
});