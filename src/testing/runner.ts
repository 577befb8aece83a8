// Runs a Testing-language test case against the local line: one contact on a virtual clock with no
// audio (as the text channel, runtime/text-call.ts). What the line does becomes the Testing
// language's events — TestInitiated, FlowActionStarted (each action run), MessageReceived (each
// prompt), TestCompleted (the contact ended, or waits in a queue: no agent answers here) — and each
// event is matched against the observations the test expects next. A matched observation runs its
// actions: SendInstruction (DTMF), OverrideSystemBehavior (substitute a resource, mock a function's
// response; single use, first in first out per resource, as Connect does), Assert, TestControl
// (EndTest, LogData). A test fails with the observation that did not happen and what happened instead.
import { resolveReference } from '../flow/attributes.ts';
import type { FlowCatalog, HoursInfo } from '../flow/catalog.ts';
import { matches } from '../flow/conditions.ts';
import { startContact, step, type ContactEffect, type ContactEvent, type ContactState, type StepResult } from '../flow/interpreter.ts';
import { contactData } from '../flow/run.ts';
import type { Flow } from '../flow/types.ts';
import type { ResolvedFunction } from '../functions/invoke.ts';
import { VirtualClock, VirtualLine } from '../runtime/text-call.ts';
import { textMatches, type MatchingCriteria } from './text-match.ts';
import type { Observation, TestAction, TestCase, TestEvent } from './test-case.ts';

/** What a test needs of the line. */
export interface TestLine {
  catalog: FlowCatalog;
  functions: ReadonlyMap<string, ResolvedFunction>;
  /** The flow a call to `dialed` runs (the line's first number's without one). */
  entryFlow(dialed?: string): Flow;
  /** The clock the line's functions read; the test sets it. */
  clock: VirtualClock;
}

/** One event the line produced, as the Testing language names it. */
export interface SystemEvent {
  type: TestEvent['Type'];
  at: number;
  /** MessageReceived: what was said. */
  text?: string;
  ssml?: string;
  promptId?: string;
  /** FlowActionStarted: the action. */
  actionType?: string;
  actionId?: string;
  parameters?: Record<string, unknown>;
}

export interface TestResult {
  name: string;
  passed: boolean;
  /** Why it failed: the observation that did not happen (or the assertion that failed) and what happened instead. */
  failure?: string;
  /** Observations matched, in order. */
  observed: string[];
  events: SystemEvent[];
  logs: Record<string, string>[];
  state: ContactState;
}

type InvokeFunctionEffect = Extract<ContactEffect, { type: 'InvokeFunction' }>;
const MAX_STEPS = 5000;
/** A caller with nothing left to do waits this long before hanging up on a flow that waits for ever. */
const PATIENCE_MS = 600_000;

type Override =
  | { kind: 'lambda-mock'; arn: string; loadedData: Record<string, unknown>; delaySeconds: number }
  | { kind: 'lambda-substitute'; arn: string; substituteArn: string }
  | { kind: 'hours-substitute'; ref: string; substituteArn: string };

export async function runTestCase(testCase: TestCase, line: TestLine): Promise<TestResult> {
  return new TestRun(testCase, line).run();
}

class TestRun {
  private readonly observations: Map<string, Observation>;
  private expected: Observation[];
  private readonly observed: string[] = [];
  private readonly events: SystemEvent[] = [];
  private readonly logs: Record<string, string>[] = [];
  private failure: string | undefined;
  private ended = false;
  /** A TestControl EndTest ended the test: what was still expected is not missing. */
  private endedByTest = false;
  private readonly overrides: Override[] = [];
  /** The line the contact runs on: prompts said on the virtual clock, the keys sent, timers, functions. */
  private readonly virtual: VirtualLine;
  private state!: ContactState;
  private readonly catalog: FlowCatalog;
  private readonly clock: VirtualClock;

  constructor(private readonly testCase: TestCase, private readonly line: TestLine) {
    const obs = testCase.content.Observations;
    this.observations = new Map(obs.map((o) => [o.Identifier, o]));
    // The test starts at its first observation (Connect's designer puts TestInitiated there).
    this.expected = obs.slice(0, 1);
    this.clock = line.clock;
    this.catalog = this.overridingCatalog(line.catalog);
    this.virtual = new VirtualLine({
      clock: line.clock, functions: line.functions,
      onPrompt: ({ content: c }, at) => this.emit({
        type: 'MessageReceived', at,
        ...(c.text !== undefined ? { text: c.text } : {}), ...(c.ssml !== undefined ? { ssml: c.ssml } : {}),
        ...(c.prompt ? { promptId: c.prompt.arn, text: c.prompt.text ?? c.prompt.name } : {}),
      }),
      invocation: (effect) => this.invocation(effect),
    });
  }

  async run(): Promise<TestResult> {
    const tc = this.testCase;
    if (tc.at !== undefined) {
      const at = Date.parse(tc.at);
      if (Number.isNaN(at)) return this.result(`Metadata.chokutsu.at: ${JSON.stringify(tc.at)} is not an ISO 8601 time`);
      this.clock.setTo(at);
    }
    const flow = tc.entry.flowId !== undefined ? this.line.catalog.flow(tc.entry.flowId) : this.entryFlow(tc.entry.destinationPhoneNumber);
    if (!flow) return this.result(`EntryPoint: no flow ${tc.entry.flowId ?? `for ${tc.entry.destinationPhoneNumber ?? 'the line'}`}`);

    await this.emit({ type: 'TestInitiated', at: this.clock.epochMs() });
    if (this.ended) return this.result();
    const started = this.clock.epochMs();
    const first = startContact(this.catalog, {
      contactId: `test-${tc.name}`, flow, at: started,
      ...(tc.entry.sourcePhoneNumber !== undefined ? { customerAddress: tc.entry.sourcePhoneNumber } : {}),
      ...(tc.entry.destinationPhoneNumber !== undefined ? { systemAddress: tc.entry.destinationPhoneNumber } : {}),
    });
    this.state = first.state;
    await this.apply(first, first.state.path);
    for (let n = 0; n < MAX_STEPS && !this.ended && this.state.status === 'waiting'; n++) {
      const event = this.virtual.nextEvent(this.state);
      const at = event?.at ?? this.clock.epochMs();
      if (!event || (event.type !== 'CustomerDisconnected' && at - started > PATIENCE_MS)) {
        // Nothing left to happen: the simulated customer hangs up.
        await this.advance({ type: 'CustomerDisconnected', at: Math.min(at, started + PATIENCE_MS) });
        break;
      }
      await this.advance(event);
    }
    if (!this.ended) await this.emit({ type: 'TestCompleted', at: this.clock.epochMs() });
    return this.result();
  }

  private entryFlow(dialed: string | undefined): Flow | undefined {
    try {
      return this.line.entryFlow(dialed);
    } catch {
      return undefined;
    }
  }

  private async advance(event: ContactEvent): Promise<void> {
    this.clock.advanceTo(event.at);
    const before = this.state.path.length;
    const r = step(this.catalog, this.state, event);
    this.state = r.state;
    await this.apply(r, this.state.path.slice(before));
  }

  /** The step's actions started (FlowActionStarted), then its effects, in order. */
  private async apply(r: StepResult, newSteps: ContactState['path']): Promise<void> {
    for (const s of newSteps) {
      if (this.ended) return;
      const action = this.line.catalog.flow(s.flowId)?.actions.get(s.actionId);
      await this.emit({ type: 'FlowActionStarted', at: s.at, actionType: s.type, actionId: s.actionId, parameters: (action?.Parameters ?? {}) as Record<string, unknown> });
    }
    for (const effect of r.effects) {
      if (this.ended) return;
      await this.virtual.perform(effect);
    }
  }

  /** The function runs for real, unless an override says otherwise (consumed on use). */
  private invocation(effect: InvokeFunctionEffect): { run: InvokeFunctionEffect } | { event: ContactEvent } {
    const i = this.overrides.findIndex((o) => (o.kind === 'lambda-mock' || o.kind === 'lambda-substitute') && o.arn === effect.functionArn);
    const override = i >= 0 ? this.overrides.splice(i, 1)[0] : undefined;
    if (override?.kind === 'lambda-mock') {
      // A mocked response slower than the block's time limit times out, as a slow function would.
      if (override.delaySeconds > effect.timeLimitSeconds) {
        return { event: { type: 'FunctionFailed', error: 'Timeout', message: `mocked response after ${override.delaySeconds} s`, at: this.clock.epochMs() + effect.timeLimitSeconds * 1000 } };
      }
      const result = effect.responseType === 'JSON' ? override.loadedData
        : Object.fromEntries(Object.entries(override.loadedData).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
      return { event: { type: 'FunctionReturned', result, at: this.clock.epochMs() + override.delaySeconds * 1000 } };
    }
    return { run: override?.kind === 'lambda-substitute' ? { ...effect, functionArn: override.substituteArn } : effect };
  }

  // ---- observations ----

  private async emit(event: SystemEvent): Promise<void> {
    this.events.push(event);
    // Nothing happens after TestCompleted, whether or not the test observes it.
    if (event.type === 'TestCompleted') this.ended = true;
    const match = this.expected.find((o) => eventMatches(o.Event, event));
    if (!match) return;
    this.observed.push(match.Identifier);
    const next = match.Transitions?.NextObservations ?? [];
    this.expected = next.map((id) => this.observations.get(id)).filter((o): o is Observation => o !== undefined);
    for (const action of match.Actions ?? []) {
      this.act(match, action);
      if (this.failure !== undefined || this.endedByTest) return;
    }
  }

  private act(o: Observation, action: TestAction): void {
    const p = (action.Parameters ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const where = `observation "${o.Identifier}", action "${action.Identifier ?? action.Type}"`;
    switch (action.Type) {
      case 'SendInstruction': {
        const instruction = p.Instruction ?? {};
        if (instruction.Type !== 'DtmfInput') return this.fail(`${where}: SendInstruction ${JSON.stringify(instruction.Type)} is not supported here (DtmfInput only: no speech or text bots)`);
        const value = String(instruction.Properties?.Value ?? '');
        if (!/^[0-9*#A-D]*$/.test(value)) return this.fail(`${where}: DTMF ${JSON.stringify(value)} holds a key that is not 0-9 * # A-D`);
        this.virtual.keys += value;
        return;
      }
      case 'OverrideSystemBehavior':
        return this.override(where, p.Behavior);
      case 'Assert':
        return this.assert(where, p);
      case 'TestControl': {
        const command = p.Command ?? {};
        if (command.Type === 'EndTest') {
          this.ended = true;
          this.endedByTest = true;
          return;
        }
        if (command.Type === 'LogData') {
          const expressions = (command.Properties?.Expressions ?? {}) as Record<string, string>;
          this.logs.push(Object.fromEntries(Object.entries(expressions).map(([k, v]) => [k, this.state ? interpolate(String(v), this.state) : ''])));
          return;
        }
        return this.fail(`${where}: TestControl ${JSON.stringify(command.Type)} is not EndTest or LogData`);
      }
      default:
        return this.fail(`${where}: ${JSON.stringify(action.Type)} is not a Testing language action this runner knows`);
    }
  }

  private override(where: string, behavior: Record<string, any> | undefined): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    const props = behavior?.Properties ?? {};
    const strategy = props.Strategy ?? {};
    const params = props.ActionParameters ?? {};
    if (behavior?.Type !== 'FlowAction') return this.fail(`${where}: OverrideSystemBehavior ${JSON.stringify(behavior?.Type)} is not supported (FlowAction only)`);
    if (props.ActionType === 'InvokeLambdaFunction' && typeof params.LambdaFunctionARN === 'string') {
      if (strategy.Type === 'SubstituteResource' && typeof strategy.SubstituteArn === 'string') {
        this.overrides.push({ kind: 'lambda-substitute', arn: params.LambdaFunctionARN, substituteArn: strategy.SubstituteArn });
        return;
      }
      const result = strategy.Response?.ExecutionResult;
      if (strategy.Type === 'MockResponse' && strategy.Response?.Type === 'ExecutionResult' && result) {
        let loadedData: unknown;
        try {
          loadedData = typeof result.LoadedData === 'string' ? JSON.parse(result.LoadedData) : (result.LoadedData ?? {});
        } catch (err) {
          return this.fail(`${where}: LoadedData is not serialized JSON: ${(err as Error).message}`);
        }
        if (typeof loadedData !== 'object' || loadedData === null || Array.isArray(loadedData)) return this.fail(`${where}: LoadedData is a JSON object`);
        this.overrides.push({ kind: 'lambda-mock', arn: params.LambdaFunctionARN, loadedData: loadedData as Record<string, unknown>, delaySeconds: Number(result.DelaySeconds ?? 0) || 0 });
        return;
      }
      return this.fail(`${where}: InvokeLambdaFunction overrides are SubstituteResource or MockResponse with an ExecutionResult`);
    }
    if (props.ActionType === 'CheckHoursOfOperation' && strategy.Type === 'SubstituteResource' && typeof strategy.SubstituteArn === 'string') {
      this.overrides.push({ kind: 'hours-substitute', ref: String(params.HoursOfOperationId ?? ''), substituteArn: strategy.SubstituteArn });
      return;
    }
    return this.fail(`${where}: overriding ${JSON.stringify(props.ActionType)} with ${JSON.stringify(strategy.Type)} is not supported here`);
  }

  private assert(where: string, p: Record<string, unknown>): void {
    const namespace = String(p.Namespace ?? '');
    const operator = String(p.Operator ?? '');
    const operand = String(p.Operand ?? '');
    const actual = this.state ? resolveReference(namespace, contactData(this.state)) : '';
    const ok = operator === 'Exists' ? actual !== '' : matches(operator, actual, operand);
    if (!ok) {
      const expectation = operator === 'Exists' ? 'Exists' : `${operator} ${JSON.stringify(operand)}`;
      this.fail(`${where}: Assert ${namespace} ${expectation} failed: it is ${JSON.stringify(actual)}`);
    }
  }

  private fail(message: string): void {
    this.failure ??= message;
    this.ended = true;
  }

  /** Hours lookups go through the test's SubstituteResource overrides (each used once). */
  private overridingCatalog(base: FlowCatalog): FlowCatalog {
    return {
      ...base,
      hoursOfOperation: (ref: string): HoursInfo | undefined => {
        const hours = base.hoursOfOperation(ref);
        const i = this.overrides.findIndex((o) => o.kind === 'hours-substitute' && (o.ref === ref || (hours !== undefined && base.hoursOfOperation(o.ref)?.id === hours.id)));
        if (i < 0) return hours;
        const o = this.overrides.splice(i, 1)[0] as Extract<Override, { kind: 'hours-substitute' }>;
        return base.hoursOfOperation(o.substituteArn) ?? hours;
      },
    };
  }

  private result(failure?: string): TestResult {
    const f = failure ?? this.failure ?? this.missing();
    return {
      name: this.testCase.name, passed: f === undefined, ...(f !== undefined ? { failure: f } : {}),
      observed: this.observed, events: this.events, logs: this.logs, state: this.state,
    };
  }

  /** The observations still expected when the test ended, and what happened instead. */
  private missing(): string | undefined {
    if (this.expected.length === 0 || this.endedByTest) return undefined;
    const wanted = this.expected.map((o) => `"${o.Identifier}" (${describeExpected(o.Event)})`).join(' or ');
    const after = this.observed.length > 0 ? ` after "${this.observed[this.observed.length - 1]}"` : '';
    const since = this.events.slice(this.lastMatchedIndex() + 1);
    const instead = since.filter((e) => e.type !== 'FlowActionStarted').slice(0, 6).map(describeEvent);
    const ending = this.state?.ending ? `the contact ended (${this.state.ending.reason}${this.state.ending.message ? `: ${this.state.ending.message}` : ''})`
      : this.state?.status === 'queued' ? `the contact waits in queue ${this.state.queue?.name ?? ''}` : 'the test ended';
    return `observation ${wanted} did not happen${after}; instead: ${[...instead, ending].join(' → ')}`;
  }

  private lastMatchedIndex(): number {
    let n = -1;
    const matchedCount = this.observed.length;
    let seen = 0;
    for (let i = 0; i < this.events.length && seen < matchedCount; i++) {
      const e = this.events[i] as SystemEvent;
      const o = this.observations.get(this.observed[seen] as string);
      if (o && eventMatches(o.Event, e)) {
        seen++;
        n = i;
      }
    }
    return n;
  }
}

/** Whether a system event is the one an observation's Event describes. */
export function eventMatches(expected: TestEvent, e: SystemEvent): boolean {
  if (expected.Type !== e.type) return false;
  const props = (expected.Properties ?? {}) as Record<string, unknown>;
  switch (e.type) {
    case 'TestInitiated': case 'TestCompleted':
      return true;
    case 'FlowActionStarted': {
      if (props.ActionType !== undefined && String(props.ActionType).trim() !== e.actionType) return false;
      const wanted = (props.ActionParameters ?? {}) as Record<string, unknown>;
      return Object.entries(wanted).every(([k, v]) => JSON.stringify(e.parameters?.[k]) === JSON.stringify(v));
    }
    case 'MessageReceived': {
      const criteria = props.MatchingCriteria as MatchingCriteria | undefined;
      if (typeof props.PromptId === 'string' && !(e.promptId !== undefined && (e.promptId === props.PromptId || e.promptId.endsWith(`/${props.PromptId}`)))) return false;
      if (typeof props.Text === 'string' && !textMatches(props.Text, e.text ?? stripSsml(e.ssml), criteria)) return false;
      if (typeof props.SSML === 'string' && !textMatches(stripSsml(props.SSML), e.text ?? stripSsml(e.ssml), criteria)) return false;
      return true;
    }
  }
}

function stripSsml(ssml: string | undefined): string {
  return (ssml ?? '').replace(/<[^>]*>/g, '');
}

function interpolate(text: string, state: ContactState): string {
  return text.replace(/\$\.[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_-]+)*/g, (ref) => resolveReference(ref, contactData(state)));
}

function describeExpected(e: TestEvent): string {
  const props = (e.Properties ?? {}) as Record<string, unknown>;
  if (e.Type === 'MessageReceived') return `MessageReceived ${JSON.stringify(props.Text ?? props.SSML ?? props.PromptId ?? '')}`;
  if (e.Type === 'FlowActionStarted') return `FlowActionStarted ${String(props.ActionType ?? '')}${props.ActionParameters ? ` ${JSON.stringify(props.ActionParameters)}` : ''}`;
  return e.Type;
}

export function describeEvent(e: SystemEvent): string {
  if (e.type === 'MessageReceived') return `MessageReceived ${JSON.stringify(e.text ?? e.ssml ?? e.promptId ?? '')}`;
  if (e.type === 'FlowActionStarted') return `FlowActionStarted ${e.actionType} [${e.actionId}]`;
  return e.type;
}
