// The direct line's test cases (tests/connect/*.json, Amazon Connect's Testing language, Version
// "2025-06-21") as they deploy to Amazon Connect as AWS::Connect::TestCase: the content with every
// local reference (function ARNs, the definition's local queue/flow/hours/prompt ARNs) rewritten to
// the deployed resource, chokutsu's own Metadata (`Metadata.chokutsu`: the local clock) removed, and
// the entry point given as the deployed flow instead of the local number.
// Pure: the deployed ARNs come in as strings (CDK tokens in the stack, fixed strings in tests).
// infra/ may not import src/testing (docs/architecture.md), so the file is read here on its own terms.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { resourceArn } from '../src/instance/arn.ts';
import type { InstanceDefinition } from '../src/instance/types.ts';
import type { DeployedRefs } from './flows.ts';

export interface DeployedTestCase {
  /** From the file name: a stable construct id. */
  key: string;
  name: string;
  description?: string;
  /** The definition's flow the test enters (EntryPoint.VoiceCallEntryPointParameters.FlowId on Connect). */
  flowId: string;
  sourcePhoneNumber?: string;
  /** The content as Connect takes it (an object here; the stack writes it as a JSON string). */
  content: Record<string, unknown>;
  /** Local-only metadata removed from the content (reported so the caller can say so). */
  removedMetadata: string[];
}

export class TestCaseDeployError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'TestCaseDeployError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The *.json files of a directory, sorted. */
export function testCaseFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

export function deployTestCase(file: string, text: string, def: InstanceDefinition, refs: Pick<DeployedRefs, 'lambdaArn' | 'queueArn' | 'flowArn' | 'hoursArn' | 'promptArn'>): DeployedTestCase {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TestCaseDeployError(file, `not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new TestCaseDeployError(file, 'a test case is a JSON object');
  const wrapped = doc['Content'] !== undefined;
  let content: unknown = wrapped ? doc['Content'] : doc;
  if (typeof content === 'string') content = JSON.parse(content);
  if (!isObject(content) || !Array.isArray(content['Observations'])) throw new TestCaseDeployError(file, 'no Content with Observations');

  const key = basename(file, '.json');
  const entry = isObject(doc['EntryPoint']) && isObject(doc['EntryPoint']['VoiceCallEntryPointParameters'])
    ? doc['EntryPoint']['VoiceCallEntryPointParameters'] : {};
  const flowId = entryFlow(file, def, entry);
  const rewrite = localReferences(def, refs);
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
    return typeof node === 'string' ? (rewrite.get(node) ?? node) : node;
  };
  const removedMetadata: string[] = [];
  const out = visit(content) as Record<string, unknown>;
  if (isObject(out['Metadata'])) {
    const { chokutsu, ...rest } = out['Metadata'];
    if (chokutsu !== undefined) removedMetadata.push('Metadata.chokutsu');
    if (Object.keys(rest).length > 0) out['Metadata'] = rest;
    else delete out['Metadata'];
  }
  const name = typeof doc['Name'] === 'string' && doc['Name'] !== '' ? doc['Name'] : key;
  const description = typeof doc['Description'] === 'string' && doc['Description'] !== '' ? doc['Description'] : undefined;
  const source = typeof entry['SourcePhoneNumber'] === 'string' ? entry['SourcePhoneNumber'] : undefined;
  return {
    key, name, flowId, content: out, removedMetadata,
    ...(description !== undefined ? { description } : {}),
    ...(source !== undefined ? { sourcePhoneNumber: source } : {}),
  };
}

/** The flow a test enters: its FlowId (id, name or local ARN), else the flow of the number it calls, else the first number's. */
function entryFlow(file: string, def: InstanceDefinition, entry: Record<string, unknown>): string {
  const byRef = (ref: unknown): string | undefined => typeof ref !== 'string' ? undefined
    : def.flows.find((f) => f.id === ref || f.name === ref || resourceArn(def, 'contact-flow', f.id) === ref)?.id;
  const dialled = typeof entry['DestinationPhoneNumber'] === 'string'
    ? def.phoneNumbers.find((n) => n.number === entry['DestinationPhoneNumber']) : undefined;
  const flow = byRef(entry['FlowId']) ?? byRef(dialled?.flow) ?? byRef(def.phoneNumbers[0]?.flow);
  if (flow === undefined) throw new TestCaseDeployError(file, 'no flow to enter: give EntryPoint.VoiceCallEntryPointParameters.FlowId or a DestinationPhoneNumber of the definition');
  return flow;
}

/** Local ARN → deployed ARN, for every resource of the definition a test case may name. */
function localReferences(def: InstanceDefinition, refs: Pick<DeployedRefs, 'lambdaArn' | 'queueArn' | 'flowArn' | 'hoursArn' | 'promptArn'>): Map<string, string> {
  const map = new Map<string, string>();
  for (const f of def.functions) map.set(f.arn, refs.lambdaArn(f.arn));
  for (const q of def.queues) map.set(resourceArn(def, 'queue', q.id), refs.queueArn(q.id));
  for (const f of def.flows) map.set(resourceArn(def, 'contact-flow', f.id), refs.flowArn(f.id));
  for (const h of def.hoursOfOperation) map.set(resourceArn(def, 'operating-hours', h.id), refs.hoursArn(h.id));
  for (const p of def.prompts) {
    if (p.file !== undefined) map.set(resourceArn(def, 'prompt', p.id), refs.promptArn(p.id));
  }
  return map;
}
