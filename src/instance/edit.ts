// Edits of the instance definition file made from the admin: the file is rewritten in its own format
// (YAML keeps its comments and layout), checked as a whole, and only then written.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDocument } from 'yaml';
import { parseInstance } from './load.ts';
import type { InstanceDefinition, QueueMember } from './types.ts';

/** Why an edit was refused: no such resource, or the edited definition would not load. */
export class DefinitionEditError extends Error {
  constructor(readonly code: 'NotFound' | 'Invalid', message: string) {
    super(message);
    this.name = 'DefinitionEditError';
  }
}

/** Sets a queue's ranked members and returns the definition as now written. */
export function setQueueMembers(file: string, current: InstanceDefinition, queueId: string, members: readonly QueueMember[]): InstanceDefinition {
  const index = current.queues.findIndex((q) => q.id === queueId);
  if (index < 0) throw new DefinitionEditError('NotFound', `no queue ${queueId}`);
  const agents = members.map((m) => ({ agent: m.agent, rank: m.rank }));
  const json = file.endsWith('.json');
  const original = readFileSync(file, 'utf8');
  let text: string;
  if (json) {
    const doc = JSON.parse(original) as { queues: Record<string, unknown>[] };
    doc.queues[index] = { ...doc.queues[index], agents };
    text = `${JSON.stringify(doc, null, 2)}\n`;
  } else {
    const doc = parseDocument(original);
    doc.setIn(['queues', index, 'agents'], agents);
    text = doc.toString({ lineWidth: 0 });
  }
  const parsed = parseInstance(text, json ? 'json' : 'yaml', dirname(file), file);
  if (!parsed.ok) throw new DefinitionEditError('Invalid', parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  writeFileSync(file, text);
  return parsed.instance.definition;
}
