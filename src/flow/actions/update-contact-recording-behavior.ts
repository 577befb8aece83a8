// UpdateContactRecordingBehavior: which participants are recorded from now on.
import { spec, type ActionDefinition } from '../action.ts';
import { NEXT } from '../outcome.ts';
import { lastDetail } from '../path.ts';

export interface UpdateContactRecordingBehaviorParameters {
  RecordingBehavior: { RecordedParticipants: string[]; IVRRecordingBehavior?: string };
  AnalyticsBehavior?: unknown;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactRecordingBehavior: UpdateContactRecordingBehaviorParameters }
}

export const updateContactRecordingBehavior: ActionDefinition<'UpdateContactRecordingBehavior'> = {
  spec: spec({ required: ['RecordingBehavior.RecordedParticipants'] }),
  execute({ out, action }) {
    const participants = [...action.Parameters.RecordingBehavior.RecordedParticipants];
    out.state = { ...out.state, recordedParticipants: participants };
    out.effects.push({ type: 'UpdateRecording', participants });
    lastDetail(out, { recorded: participants.join(', ') || 'none' });
    return NEXT;
  },
};
