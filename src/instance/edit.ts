// Edits of the instance definition file made from the admin: the file is rewritten in its own format
// (YAML keeps its comments and layout), checked as a whole, and only then written.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDocument } from 'yaml';
import { validateHours } from '../calendar/hours.ts';
import { parseInstance } from './load.ts';
import type { FlowReference, HoursOfOperationConfig, InstanceDefinition, Prompt, QueueMember } from './types.ts';

/** Why an edit was refused: no such resource, or the edited definition would not load. */
export class DefinitionEditError extends Error {
  constructor(readonly code: 'NotFound' | 'Invalid', message: string) {
    super(message);
    this.name = 'DefinitionEditError';
  }
}

/** One change: set the value at a path, or append it to the list at the path. */
type Change = { path: (string | number)[]; value: unknown; append?: boolean };

/** Applies the changes to the file's text in its own format, checks the result as a whole, writes it. */
function edit(file: string, changes: readonly Change[]): InstanceDefinition {
  const json = file.endsWith('.json');
  const original = readFileSync(file, 'utf8');
  let text: string;
  if (json) {
    const doc = JSON.parse(original) as Record<string, unknown>;
    for (const c of changes) {
      let node: Record<string | number, unknown> = doc;
      const parents = c.path.slice(0, -1);
      for (const key of parents) node = node[key] as Record<string | number, unknown>;
      const last = c.path[c.path.length - 1] as string | number;
      if (c.append) node[last] = [...((node[last] as unknown[] | undefined) ?? []), c.value];
      else node[last] = c.value;
    }
    text = `${JSON.stringify(doc, null, 2)}\n`;
  } else {
    const doc = parseDocument(original);
    for (const c of changes) {
      if (c.append) {
        if (doc.hasIn(c.path)) doc.addIn(c.path, c.value);
        else doc.setIn(c.path, [c.value]);
      } else {
        doc.setIn(c.path, c.value);
      }
    }
    text = doc.toString({ lineWidth: 0 });
  }
  const parsed = parseInstance(text, json ? 'json' : 'yaml', dirname(file), file);
  if (!parsed.ok) throw new DefinitionEditError('Invalid', parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  writeFileSync(file, text);
  return parsed.instance.definition;
}

/** Sets a queue's ranked members and returns the definition as now written. */
export function setQueueMembers(file: string, current: InstanceDefinition, queueId: string, members: readonly QueueMember[]): InstanceDefinition {
  const index = current.queues.findIndex((q) => q.id === queueId);
  if (index < 0) throw new DefinitionEditError('NotFound', `no queue ${queueId}`);
  const agents = members.map((m) => ({ agent: m.agent, rank: m.rank }));
  return edit(file, [{ path: ['queues', index, 'agents'], value: agents }]);
}

/** Sets an hours of operation's weekly entries (Connect's HoursOfOperationConfig), checked as the definition's are. */
export function setHoursOfOperation(file: string, current: InstanceDefinition, hoursId: string, config: readonly HoursOfOperationConfig[]): InstanceDefinition {
  const index = current.hoursOfOperation.findIndex((h) => h.id === hoursId);
  const hours = current.hoursOfOperation[index];
  if (hours === undefined) throw new DefinitionEditError('NotFound', `no hours of operation ${hoursId}`);
  const entries = config.map((c) => ({
    Day: c.Day, StartTime: { Hours: c.StartTime.Hours, Minutes: c.StartTime.Minutes }, EndTime: { Hours: c.EndTime.Hours, Minutes: c.EndTime.Minutes },
  }));
  const problems = validateHours({ ...hours, config: entries });
  if (problems.length > 0) throw new DefinitionEditError('Invalid', problems.join('; '));
  return edit(file, [{ path: ['hoursOfOperation', index, 'config'], value: entries }]);
}

/** Sets the flow (id or name) a phone number of the line runs. */
export function setPhoneNumberFlow(file: string, current: InstanceDefinition, number: string, flow: string): InstanceDefinition {
  const index = current.phoneNumbers.findIndex((p) => p.number === number);
  if (index < 0) throw new DefinitionEditError('NotFound', `no phone number ${number}`);
  if (!current.flows.some((f) => f.id === flow || f.name === flow)) throw new DefinitionEditError('NotFound', `no flow ${flow}`);
  return edit(file, [{ path: ['phoneNumbers', index, 'flow'], value: flow }]);
}

/** Adds a prompt (a WAV file relative to the data directory, or a text); its id must be new. */
export function addPrompt(file: string, current: InstanceDefinition, prompt: Prompt): InstanceDefinition {
  if (current.prompts.some((p) => p.id === prompt.id)) throw new DefinitionEditError('Invalid', `prompt id ${prompt.id} is taken`);
  return edit(file, [{ path: ['prompts'], value: { ...prompt }, append: true }]);
}

/** Adds a flow reference (its file already written beside the definition); its id and name must be new. */
export function addFlow(file: string, current: InstanceDefinition, flow: FlowReference): InstanceDefinition {
  if (current.flows.some((f) => f.id === flow.id)) throw new DefinitionEditError('Invalid', `flow id ${flow.id} is taken`);
  if (current.flows.some((f) => f.name === flow.name)) throw new DefinitionEditError('Invalid', `flow name ${flow.name} is taken`);
  return edit(file, [{ path: ['flows'], value: { ...flow }, append: true }]);
}
