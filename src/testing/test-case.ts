// Amazon Connect's Testing language (`"Version": "2025-06-21"`), read from a file: the test case's
// content (Observations of Events, each with Actions) and, around it, what DescribeTestCase /
// AWS::Connect::TestCase carry (Name, Description, EntryPoint). Every problem is listed with a path.
// https://docs.aws.amazon.com/connect/latest/APIReference/testing-language.html

export const TESTING_LANGUAGE_VERSION = '2025-06-21';

export type EventType = 'TestInitiated' | 'MessageReceived' | 'FlowActionStarted' | 'TestCompleted';
const EVENT_TYPES: readonly string[] = ['TestInitiated', 'MessageReceived', 'FlowActionStarted', 'TestCompleted'];

export interface TestEvent {
  Identifier?: string;
  Type: EventType;
  Actor?: string;
  Properties?: Record<string, unknown>;
}

export interface TestAction {
  Identifier?: string;
  Type: string;
  Parameters?: Record<string, unknown>;
  Transitions?: { NextAction?: string };
}

export interface Observation {
  Identifier: string;
  Event: TestEvent;
  Usage?: { Type?: string };
  Actions?: TestAction[];
  Transitions?: { NextObservations?: string[] };
}

export interface TestCaseContent {
  Version: string;
  Metadata?: Record<string, unknown>;
  Observations: Observation[];
}

/** A test case as a file holds it: the content alone, or with the test case's own fields around it. */
export interface TestCase {
  name: string;
  description?: string;
  /** EntryPoint.VoiceCallEntryPointParameters. */
  entry: { flowId?: string; destinationPhoneNumber?: string; sourcePhoneNumber?: string };
  content: TestCaseContent;
  /** chokutsu's own field in Metadata (free-form in Connect): when the call is placed (ISO 8601). */
  at?: string;
}

export type ParseResult = { ok: true; testCase: TestCase } | { ok: false; problems: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseTestCase(text: string, fallbackName: string): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`$: not valid JSON: ${(err as Error).message}`] };
  }
  if (!isObject(doc)) return { ok: false, problems: ['$: a test case is a JSON object'] };
  const problems: string[] = [];
  // The TestCase shape (Name, EntryPoint, Content as a JSON string or object), or the content itself.
  const wrapped = doc.Content !== undefined;
  let content: unknown = wrapped ? doc.Content : doc;
  if (typeof content === 'string') {
    try {
      content = JSON.parse(content);
    } catch (err) {
      return { ok: false, problems: [`$.Content: not valid JSON: ${(err as Error).message}`] };
    }
  }
  const base = wrapped ? '$.Content' : '$';
  if (!isObject(content)) return { ok: false, problems: [`${base}: the content is a JSON object`] };
  if (content.Version !== TESTING_LANGUAGE_VERSION) problems.push(`${base}.Version: ${JSON.stringify(content.Version)}, expected "${TESTING_LANGUAGE_VERSION}"`);
  if (!Array.isArray(content.Observations) || content.Observations.length === 0) {
    problems.push(`${base}.Observations: a list of at least one observation`);
    return { ok: false, problems };
  }
  const ids = new Set<string>();
  content.Observations.forEach((o: unknown, i: number) => {
    const at = `${base}.Observations[${i}]`;
    if (!isObject(o) || typeof o.Identifier !== 'string') return problems.push(`${at}: an observation needs a string Identifier`);
    if (ids.has(o.Identifier)) problems.push(`${at}.Identifier: "${o.Identifier}" is used twice`);
    ids.add(o.Identifier);
    if (!isObject(o.Event) || !EVENT_TYPES.includes(o.Event.Type as string)) {
      problems.push(`${at}.Event.Type: one of ${EVENT_TYPES.join(', ')}`);
    }
    if (o.Actions !== undefined && (!Array.isArray(o.Actions) || !o.Actions.every((a) => isObject(a) && typeof a.Type === 'string'))) {
      problems.push(`${at}.Actions: a list of actions, each with a Type`);
    }
    return undefined;
  });
  content.Observations.forEach((o: unknown, i: number) => {
    const next = isObject(o) && isObject(o.Transitions) ? o.Transitions.NextObservations : undefined;
    if (next === undefined) return;
    if (!Array.isArray(next)) return problems.push(`${base}.Observations[${i}].Transitions.NextObservations: a list of observation Identifiers`);
    next.forEach((id, j) => {
      if (!ids.has(id as string)) problems.push(`${base}.Observations[${i}].Transitions.NextObservations[${j}]: no observation "${String(id)}"`);
    });
    return undefined;
  });
  if (problems.length > 0) return { ok: false, problems };
  const entryPoint = isObject(doc.EntryPoint) && isObject(doc.EntryPoint.VoiceCallEntryPointParameters) ? doc.EntryPoint.VoiceCallEntryPointParameters : {};
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const meta = isObject(content.Metadata) && isObject(content.Metadata.chokutsu) ? content.Metadata.chokutsu : {};
  const flowId = str(entryPoint.FlowId);
  const destinationPhoneNumber = str(entryPoint.DestinationPhoneNumber);
  const sourcePhoneNumber = str(entryPoint.SourcePhoneNumber);
  const at = str(meta.at);
  const description = str(doc.Description);
  return {
    ok: true,
    testCase: {
      name: str(doc.Name) ?? fallbackName,
      ...(description ? { description } : {}),
      entry: {
        ...(flowId ? { flowId } : {}),
        ...(destinationPhoneNumber ? { destinationPhoneNumber } : {}),
        ...(sourcePhoneNumber ? { sourcePhoneNumber } : {}),
      },
      content: content as unknown as TestCaseContent,
      ...(at ? { at } : {}),
    },
  };
}
