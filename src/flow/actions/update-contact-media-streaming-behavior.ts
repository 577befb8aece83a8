// UpdateContactMediaStreamingBehavior: recorded on the contact; chokutsu has no media stream to start.
import { spec, type ActionDefinition } from '../action.ts';
import { NEXT } from '../outcome.ts';

export interface UpdateContactMediaStreamingBehaviorParameters {
  MediaStreamingState: 'Enabled' | 'Disabled';
  Participants?: { ParticipantType: string; MediaDirections: string[] }[];
  MediaStreamType?: string;
}

declare module '../types.ts' {
  interface ActionParameters { UpdateContactMediaStreamingBehavior: UpdateContactMediaStreamingBehaviorParameters }
}

export const updateContactMediaStreamingBehavior: ActionDefinition<'UpdateContactMediaStreamingBehavior'> = {
  spec: spec({ required: ['MediaStreamingState'], errors: ['NoMatchingError'] }),
  execute({ out, action }) {
    out.state = { ...out.state, mediaStreaming: action.Parameters.MediaStreamingState === 'Enabled' };
    return NEXT;
  },
};
