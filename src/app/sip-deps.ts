// What the SIP side of the line is given: the contact center, its events, agents' phones.
import { SqlitePhoneStore } from '../store/phones.ts';
import type { SipLineDeps } from '../telephony/sip-line.ts';
import type { PhoneCredentialBook } from './phone-credentials.ts';
import type { LineServices } from './services.ts';

/** `browserPhones`: credentials issued to signed-in users' browser phones, checked after desk phones'. */
export function sipLineDeps(services: LineServices, browserPhones?: PhoneCredentialBook): SipLineDeps {
  const phones = new SqlitePhoneStore(services.line.db);
  const def = () => services.line.definition;
  const c = services.center;
  return {
    // The contact center as it is, except that a recording starting is written with the next heartbeat
    // soon: a crash then still links the partial recording to the contact's record.
    center: {
      startContact: (channel, call) => c.startContact(channel, call),
      dtmf: (id, digit) => c.dtmf(id, digit),
      promptFinished: (id, actionId) => c.promptFinished(id, actionId),
      customerHangUp: (id) => c.customerHangUp(id),
      accept: (agentId, id) => c.accept(agentId, id),
      decline: (agentId, id) => c.decline(agentId, id),
      offerFailed: (agentId, id, reason) => c.offerFailed(agentId, id, reason),
      agentHangUp: (agentId, id) => c.agentHangUp(agentId, id),
      recordingStarted: (id, location) => {
        c.recordingStarted(id, location);
        services.heartbeat.soon();
      },
      recordingFailed: (id, reason) => services.recordingFailed(id, reason),
      holdStarted: (id, side) => c.holdStarted(id, side),
      holdEnded: (id, side) => c.holdEnded(id, side),
      thirdPartyAnswered: (id) => {
        c.thirdPartyAnswered(id);
        services.heartbeat.soon();
      },
      thirdPartyFailed: (id, message) => c.thirdPartyFailed(id, message),
      thirdPartyHungUp: (id) => c.thirdPartyHungUp(id),
      callbackAnswered: (id) => c.callbackAnswered(id),
      callbackFailed: (id, message) => c.callbackFailed(id, message),
    },
    setCallbackDialer: (dialer) => c.setCallbackDialer(dialer),
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
