// What a prompt source (Text, SSML or PromptId) plays, shared by the actions that speak.
import { interpolate, resolveValue, type ContactDataView } from './attributes.ts';
import type { ParameterChecks, Reference } from './action.ts';
import type { FlowCatalog } from './catalog.ts';
import type { PromptContent, Run } from './state.ts';
import type { PromptParameters } from './types.ts';

/** The content to play; undefined when PromptId names no prompt of the instance. */
export function promptOf(catalog: FlowCatalog, p: PromptParameters, d: ContactDataView): PromptContent | undefined {
  if (p.Text !== undefined) return { text: interpolate(p.Text, d) };
  if (p.SSML !== undefined) return { ssml: interpolate(p.SSML, d) };
  if (p.PromptId !== undefined) {
    const prompt = catalog.prompt(resolveValue(p.PromptId, d));
    return prompt ? { prompt } : undefined;
  }
  return {};
}

/** The path step's detail for a prompt. */
export function describePrompt(c: PromptContent): Record<string, string> {
  if (c.text !== undefined) return { text: c.text };
  if (c.ssml !== undefined) return { ssml: c.ssml };
  if (c.prompt) return { prompt: c.prompt.name };
  return {};
}

/** Asks the adapter to play `content` for the current action, in the contact's voice. */
export function play(out: Run, content: PromptContent, interruptible: boolean): void {
  out.effects.push({ type: 'PlayPrompt', actionId: out.state.actionId ?? '', content, voice: out.state.voice, interruptible });
}

/** Text, SSML and PromptId exclude one another. */
export function checkPromptSource(p: Record<string, unknown>, checks: ParameterChecks): string[] {
  const given = ['Text', 'SSML', 'PromptId'].filter((k) => p[k] !== undefined);
  if (given.length > 1) checks.invalid(given[1] as string, `only one of Text, SSML and PromptId may be given (found ${given.join(', ')})`);
  return given;
}

export const promptReference: Reference = { key: 'PromptId', resource: 'prompt' };
