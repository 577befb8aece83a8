// The fixture page's window, as the tests' page.evaluate callbacks see it (types only).
interface FixtureApi {
  events: { type: string; [k: string]: unknown }[];
  create(options: { url?: string; extension?: string; password?: string; domain?: string; autoAnswer?: boolean }): void;
  call(number: string): Promise<void>;
  register(): Promise<void>;
  hangup(): Promise<void>;
  hold(on: boolean): Promise<void>;
  mute(on: boolean): void;
  sendDtmf(digits: string, gapMs: number): Promise<void>;
  inbound(): Promise<{ bytesReceived: number; packetsReceived: number; totalAudioEnergy: number; codec: string } | undefined>;
  outbound(): Promise<{ bytesSent: number; packetsSent: number } | undefined>;
}
declare var window: { fixture: FixtureApi; isSecureContext: boolean };
