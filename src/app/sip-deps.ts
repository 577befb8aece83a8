// What the SIP side of the line is given: the contact center, its events, agents' phones.
import { SqlitePhoneStore } from '../store/phones.ts';
import type { SipLineDeps } from '../telephony/sip-line.ts';
import type { LineServices } from './services.ts';

export function sipLineDeps(services: LineServices): SipLineDeps {
  const phones = new SqlitePhoneStore(services.line.db);
  const def = () => services.line.definition;
  return {
    center: services.center,
    lineNumber: (dialed) => services.line.lineNumber(dialed),
    subscribe: (send) => services.bus.subscribe(() => true, send),
    agentExtension: (agentId) => def().agents.find((a) => a.id === agentId)?.extension,
    phoneHa1: (username, realm) => {
      const phone = phones.get(username);
      return phone && phone.realm === realm ? phone.ha1 : undefined;
    },
    newContactId: () => services.newContactId(),
    clock: services.clock,
    language: def().language,
    ...(def().awsRegion !== undefined ? { awsRegion: def().awsRegion } : {}),
  };
}
