// `chokutsu start`: the line as a long-lived server, until SIGINT or SIGTERM (graceful; a second
// signal stops it at once).
import type { Command } from 'commander';
import { join } from 'node:path';
import { DEMO_USERS_FILE } from '../../app/demo.ts';
import { findDefinitionFile, LineConfigError } from '../../app/line.ts';
import { lockDataDir } from '../../app/line-lock.ts';
import { startServer, type RunningServer } from '../../app/start.ts';
import { readTlsFiles, selfSignedCertificate, type TlsFiles } from '../../app/tls.ts';
import { hostname } from 'node:os';
import type { CliContext } from '../context.ts';
import type { Io } from '../io.ts';
import { init } from './init.ts';

export function registerStart(program: Command, ctx: CliContext): void {
  program.command('start')
    .description('run the line on the embedded defaults (initialises the demo company when the data directory is empty)')
    .option('--host <address>', 'HTTP address to listen on', '127.0.0.1')
    .option('--port <port>', 'HTTP port', '8080')
    .option('--tls-cert <file>', 'serve HTTPS (and wss:// for the browser phone) with this PEM certificate')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--self-signed [hosts]', 'serve HTTPS with a self-signed certificate for these comma-separated host names/addresses (kept in DATA/tls/)')
    .action(async (opts: StartOptions, cmd: Command) => {
      const dataDir = ctx.dataDir(cmd);
      if (!findDefinitionFile(dataDir)) {
        ctx.exitCode = await init(dataDir, false, ctx.io);
        if (ctx.exitCode !== 0) return;
      }
      const tls = await tlsOption(dataDir, opts, ctx.io);
      if (tls === 'invalid') {
        ctx.exitCode = 2;
        return;
      }
      ctx.exitCode = await serve(dataDir, opts.host, opts.port, ctx.io, tls);
    });
}

interface StartOptions {
  host: string;
  port: string;
  tlsCert?: string;
  tlsKey?: string;
  selfSigned?: string | true;
}

/** --tls-cert/--tls-key or --self-signed: the certificate to serve HTTPS with, if any. */
async function tlsOption(dataDir: string, opts: StartOptions, io: Io): Promise<TlsFiles | undefined | 'invalid'> {
  if (opts.selfSigned !== undefined && (opts.tlsCert !== undefined || opts.tlsKey !== undefined)) {
    io.err('--self-signed or --tls-cert/--tls-key, not both');
    return 'invalid';
  }
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
    io.err('--tls-cert and --tls-key go together');
    return 'invalid';
  }
  try {
    if (opts.tlsCert !== undefined && opts.tlsKey !== undefined) return readTlsFiles(opts.tlsCert, opts.tlsKey);
    if (opts.selfSigned === undefined) return undefined;
    const hosts = typeof opts.selfSigned === 'string' ? opts.selfSigned.split(',').map((h) => h.trim()) : [opts.host, hostname()];
    const made = await selfSignedCertificate(dataDir, hosts);
    io.out(`${made.created ? 'made' : 'using'} the self-signed certificate ${made.file} (${hosts.join(', ')}); browsers trust it once it is imported (README: "HTTPS for the browser phone")`);
    return made;
  } catch (err) {
    io.err(`TLS: ${(err as Error).message}`);
    return 'invalid';
  }
}

async function serve(dataDir: string, host: string, portText: string, io: Io, tls?: TlsFiles): Promise<number> {
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    io.err(`--port ${JSON.stringify(portText)}: a port is a whole number from 1 to 65535`);
    return 2;
  }
  let unlock: () => void;
  try {
    unlock = lockDataDir(dataDir);
  } catch (err) {
    io.err(`cannot start: ${(err as Error).message}`);
    return 1;
  }
  try {
    return await run(dataDir, host, port, io, tls);
  } finally {
    unlock();
  }
}

async function run(dataDir: string, host: string, port: number, io: Io, tls: TlsFiles | undefined): Promise<number> {
  let server: RunningServer;
  try {
    server = await startServer(dataDir, { host, port, log: (m) => io.err(m), ...(tls ? { tls } : {}) });
  } catch (err) {
    io.err(err instanceof LineConfigError ? err.message : `cannot start: ${(err as Error).message}`);
    return 1;
  }
  announce(server, dataDir, io);
  const signal = await signalled();
  io.err(`${signal}: the line is going down (live calls end and are recorded); ${signal} again to stop at once`);
  const force = (again: NodeJS.Signals) => {
    io.err(`${again}: stopping at once`);
    process.exit(128 + (again === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  try {
    await server.close();
  } finally {
    process.off('SIGINT', force);
    process.off('SIGTERM', force);
  }
  io.out('the line is down');
  return 0;
}

function announce(server: RunningServer, dataDir: string, io: Io): void {
  const { line } = server.services;
  const d = line.definition;
  io.out(`${d.name}: the line is up at ${server.url} (API /api, events /api/events, Prometheus /metrics)`);
  io.out(`queues: ${d.queues.map((q) => `${q.name} (${q.agents.length} agents)`).join(', ')} · customers: ${line.directory.count()}`);
  const sip = d.telephony?.sip;
  if (server.sip) io.out(`SIP (UDP and TCP) on ${sip?.host ?? '127.0.0.1'}:${server.sip.port}: dial ${d.phoneNumbers[0]?.number ?? 'the line'} from a trunk in the definition; agents' phones register as their extension`);
  if (server.sip) io.out(`browser phones (SIP over WebSocket, RFC 7118): ${server.url.replace(/^http/, 'ws')}/sip`);
  for (const w of line.warnings) io.err(`warning: ${w}`);
  io.out(`log in with a user from ${join(dataDir, DEMO_USERS_FILE)}; place a test call: chokutsu call --server ${server.url} --user admin:PASSWORD --keys "1001#"`);
}

/** The first SIGINT (Ctrl-C) or SIGTERM (a process manager) asks the line to go down. */
function signalled(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
