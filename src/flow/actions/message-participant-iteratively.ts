// MessageParticipantIteratively: loops its messages until the contact leaves (customer queue and
// hold flows), or until InterruptFrequencySeconds elapse: then MessagesInterrupted.
import { resolveValue } from '../attributes.ts';
import { spec, waitsFor, type ActionDefinition } from '../action.ts';
import { condition, error, wait } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import { play, promptOf } from '../prompts.ts';
import type { PromptContent } from '../state.ts';
import { nextTimer } from '../timers.ts';
import type { PromptParameters } from '../types.ts';

export interface MessageParticipantIterativelyParameters {
  Messages: PromptParameters[];
  InterruptFrequencySeconds?: string;
}

declare module '../types.ts' {
  interface ActionParameters { MessageParticipantIteratively: MessageParticipantIterativelyParameters }
}

export const messageParticipantIteratively: ActionDefinition<'MessageParticipantIteratively'> = {
  spec: spec({ required: ['Messages'], errors: ['NoMatchingError'], conditions: ['MessagesInterrupted'], needsNext: false }),
  execute({ catalog, out, action, data }) {
    const messages = action.Parameters.Messages.map((m) => promptOf(catalog, m, data));
    if (messages.length === 0 || messages.some((m) => m === undefined)) return error('NoMatchingError');
    const contents = messages as PromptContent[];
    const every = Number(resolveValue(action.Parameters.InterruptFrequencySeconds ?? '', data));
    const timerId = Number.isFinite(every) && every > 0 ? nextTimer(out, every) : undefined;
    play(out, contents[0] as PromptContent, false);
    lastDetail(out, { messages: String(contents.length), ...(timerId ? { interruptEverySeconds: String(every) } : {}) });
    return wait({ kind: 'iterate', messages: contents, index: 0, ...(timerId ? { timerId } : {}) });
  },
  waits: waitsFor('iterate', ({ out, waiting: w }, event) => {
    if (event.type === 'PromptPlayed') {
      const index = (w.index + 1) % w.messages.length;
      play(out, w.messages[index] as PromptContent, false);
      return wait({ ...w, index });
    }
    if (event.type === 'TimerExpired' && event.timerId === w.timerId) {
      out.effects.push({ type: 'StopPrompt' });
      return condition('MessagesInterrupted');
    }
    return undefined;
  }),
};
