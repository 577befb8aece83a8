// What the SIP side of the line is given: the contact center, its events, agents' phones.
import { SqlitePhoneStore } from '../store/phones.ts';
import type { SipLineDeps } from '../telephony/sip-line.ts';
import type { PhoneCredentialBook } from './phone-credentials.ts';
import type { LineServices } from './services.ts';

/** `browserPhones`: credentials issued to signed-in users' browser phones, checked after desk phones'. */
export function sipLineDeps(services: LineServices, browserPhones?: PhoneCredentialBook): SipLineDeps {
  const phones = new SqlitePhoneStore(services.line.db);
  const def = () => services.line.definition;
  return {
    center: services.center,
    lineNumber: (dialed) => services.line.lineNumber(dialed),
    subscribe: (send) => services.bus.subscribe(() => true, send),
    agentExtension: (agentId) => def().agents.find((a) => a.id === agentId)?.extension,
    phoneHa1: (username, realm) => {
      // The desk phone's password and the signed-in browser's: either registers the extension.
      const phone = phones.get(username);
      const browser = browserPhones?.ha1(username, realm, new Date(services.clock.now()));
      return [...(phone && phone.realm === realm ? [phone.ha1] : []), ...(browser !== undefined ? [browser] : [])];
    },
    newContactId: () => services.newContactId(),
    clock: services.clock,
    language: def().language,
    ...(def().awsRegion !== undefined ? { awsRegion: def().awsRegion } : {}),
  };
}
