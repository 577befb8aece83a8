// MessageParticipant: plays one prompt, then goes on.
import { spec, waitsFor, type ActionDefinition } from '../action.ts';
import { error, NEXT, wait } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import { checkPromptSource, describePrompt, play, promptOf, promptReference } from '../prompts.ts';
import type { PromptParameters } from '../types.ts';

export type MessageParticipantParameters = PromptParameters;

declare module '../types.ts' {
  interface ActionParameters { MessageParticipant: MessageParticipantParameters }
}

export const messageParticipant: ActionDefinition<'MessageParticipant'> = {
  spec: spec({ errors: ['NoMatchingError'] }),
  checkParameters(p, checks) {
    const given = checkPromptSource(p, checks);
    if (given.length === 0 && p.Media === undefined) checks.missing('MessageParticipant needs Text, SSML or PromptId');
  },
  references: () => [promptReference],
  execute({ catalog, out, action, data }) {
    const content = promptOf(catalog, action.Parameters, data);
    if (!content) return error('NoMatchingError');
    lastDetail(out, describePrompt(content));
    play(out, content, false);
    return wait({ kind: 'prompt' });
  },
  // Connect ignores keys during a plain prompt.
  waits: waitsFor('prompt', (_ctx, event) => (event.type === 'PromptPlayed' ? NEXT : undefined)),
};
