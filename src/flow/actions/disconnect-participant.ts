// DisconnectParticipant: hangs up on the customer.
import { spec, type ActionDefinition } from '../action.ts';

export type DisconnectParticipantParameters = Record<string, never>;

declare module '../types.ts' {
  interface ActionParameters { DisconnectParticipant: DisconnectParticipantParameters }
}

export const disconnectParticipant: ActionDefinition<'DisconnectParticipant'> = {
  spec: spec({ needsNext: false, terminal: true }),
  execute: () => ({ kind: 'end', reason: 'DISCONNECTED_BY_FLOW' }),
};
