// Starts the line as a long-lived server: HTTP API, WebSocket events and /metrics.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { createLineServices, serverDeps, type LineServices } from './services.ts';
import type { Clock, Scheduler } from '../runtime/scheduler.ts';
import { SipLine } from '../telephony/sip-line.ts';
import { sipLineDeps } from './sip-deps.ts';
import { PhoneCredentialBook } from './phone-credentials.ts';
import type { TelephonyConfig } from '../instance/types.ts';
import type { TlsFiles } from './tls.ts';

export interface RunningServer {
  app: FastifyInstance;
  services: LineServices;
  url: string;
  /** The SIP side, when the line takes calls by phone. */
  sip?: SipLine;
  close(): Promise<void>;
}

export async function startServer(
  dataDir: string,
  options: {
    host?: string; port?: number; clock?: Clock; scheduler?: Scheduler; log?: (m: string) => void;
    /** false: no SIP (HTTP only); an object overrides the definition's telephony settings (tests). */
    telephony?: false | TelephonyConfig;
    /** HTTPS (and wss:// for events and SIP over WebSocket) with this PEM certificate and key. */
    tls?: TlsFiles;
  } = {},
): Promise<RunningServer> {
  const services = await createLineServices(dataDir, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  let sip: SipLine | undefined;
  const telephony = options.telephony === false ? undefined : options.telephony ?? services.line.definition.telephony;
  const browserPhones = telephony ? browserPhoneCredentials(services, telephony) : undefined;
  // The HTTP server is up before the SIP side; a browser's /sip socket waits for nothing, it is
  // refused until the SIP side exists.
  const app = await buildApp({
    ...serverDeps(services),
    ...(browserPhones ? {
      phoneCredentials: {
        issue: (user, token, use, now) => browserPhones.issue(user, token, use, now),
        revokeSession: (token) => {
          for (const username of browserPhones.revokeSession(token)) sip?.sip.dropRegistrations(username);
        },
      },
    } : {}),
    sipWebSocket: (socket, peer) => {
      if (!sip?.sip.acceptWebSocket(socket, peer)) socket.close(1011, 'SIP is not running');
    },
  }, options.tls ? { https: options.tls } : {});
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  } catch (err) {
    services.close();
    throw err;
  }
  if (telephony) {
    try {
      sip = await SipLine.start({ deps: sipLineDeps(services, browserPhones), dataDir, config: telephony, log: options.log ?? ((m) => console.error(m)) });
      const started = sip;
      services.observeSip(() => started.sip.protectionCounts());
      services.observeMediaWorkers(() => started.media.figures());
    } catch (err) {
      await app.close();
      services.close();
      throw err;
    }
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port ?? 8080;
  const host = options.host ?? '127.0.0.1';
  return {
    app, services, ...(sip ? { sip } : {}),
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    // Graceful: the API stops taking requests, every contact still on the line ends and leaves its
    // record, SIP answers 503 to new INVITEs while the legs close and recordings finish, then the
    // database closes.
    close: async () => {
      await app.close();
      services.center.endAll('the line is shutting down');
      await sip?.close();
      services.close();
    },
  };
}

/** Browser phones' credentials in the SIP side's realm, each alive while its web session is. */
function browserPhoneCredentials(services: LineServices, telephony: TelephonyConfig): PhoneCredentialBook {
  return new PhoneCredentialBook({
    realm: telephony.sip?.realm ?? 'chokutsu',
    extensionOf: (agentId) => services.line.definition.agents.find((a) => a.id === agentId)?.extension,
    sessionLive: (token, now) => services.users.sessionUser(token, now) !== undefined,
  });
}
