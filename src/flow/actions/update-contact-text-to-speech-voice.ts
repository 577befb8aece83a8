// UpdateContactTextToSpeechVoice: the voice later prompts are spoken in.
import { spec, type ActionDefinition } from '../action.ts';
import { NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';
import type { Voice } from '../state.ts';

export interface UpdateContactTextToSpeechVoiceParameters {
  TextToSpeechVoice: string;
  TextToSpeechEngine?: string;
  TextToSpeechStyle?: string;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactTextToSpeechVoice: UpdateContactTextToSpeechVoiceParameters }
}

export const updateContactTextToSpeechVoice: ActionDefinition<'UpdateContactTextToSpeechVoice'> = {
  // Errors: NoMatchingError (APIReference contact-actions-updatecontacttexttospeechvoice), so an Errors
  // entry for it is expected, not "never raised".
  spec: spec({ required: ['TextToSpeechVoice'], errors: ['NoMatchingError'] }),
  execute({ out, action }) {
    const p = action.Parameters;
    const voice: Voice = {
      name: p.TextToSpeechVoice,
      ...(p.TextToSpeechEngine !== undefined ? { engine: p.TextToSpeechEngine } : {}),
      ...(p.TextToSpeechStyle !== undefined ? { style: p.TextToSpeechStyle } : {}),
    };
    out.state = { ...out.state, voice };
    lastDetail(out, { voice: voice.name });
    return NEXT;
  },
};
