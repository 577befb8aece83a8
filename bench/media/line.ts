// The line under test in its own process (so /proc counts its CPU alone): startServer on a bench
// data directory, the agents' phone passwords set, and what bench/media.ts asks of it over IPC —
// agents Available, calls connected, and the event-loop delay of its main (signalling) thread and
// of its media workers.
//   argv: <data dir> <agents>
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setPhonePassword } from '../../src/app/accounts.ts';
import { startServer } from '../../src/app/start.ts';
import { SqlitePhoneStore } from '../../src/store/phones.ts';
import { MediaWorkerPool } from '../../src/telephony/media-worker/pool.ts';
import { benchAgents, phonePassword, REALM } from '../bench-line.ts';
import { serve } from './child.ts';

const [dataDir = '', agentCount = '0'] = process.argv.slice(2);
const agents = benchAgents(Number(agentCount));
const log: string[] = [];
const server = await startServer(dataDir, { port: 0, log: (m) => log.push(m) });
const sip = server.sip;
if (!sip) throw new Error(`the line in ${dataDir} did not start SIP`);
const phones = new SqlitePhoneStore(server.services.line.db);
for (const a of agents) {
  const extension = a.extension ?? '';
  setPhonePassword(phones, { username: extension, agentId: a.id, realm: REALM, password: phonePassword(extension) }, new Date());
}

// The same resolution as bench/sip.ts: a delay is seen once it exceeds 5 ms.
const delay = monitorEventLoopDelay({ resolution: 5 });
const ms = (ns: number) => ns / 1e6;

serve({
  sipPort: () => sip.port,
  available: () => {
    for (const a of agents) server.services.center.setAgentStatus(a.id, 'Available');
  },
  status: () => ({
    registered: sip.sip.registrations().length,
    connected: server.services.center.liveContacts().filter((c) => c.phase === 'connected').length,
    logLines: log.length,
    firstLogLines: log.slice(0, 3),
  }),
  startWindow: () => {
    delay.reset();
    delay.enable();
  },
  endWindow: () => {
    delay.disable();
    // Each media worker's longest loop delay over its last 10 s (the window, at the default 10 s).
    const figures = sip.media.figures();
    const workers = figures.map((f) => f.loopDelayMaxMs);
    // Each worker's busy share over its last report interval, and the legs it carries: how the pool spread the calls.
    const utilization = figures.map((f) => f.utilization);
    const legs = sip.media instanceof MediaWorkerPool ? sip.media.workers.map((w) => w.load) : [];
    return { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), workers, utilization, legs };
  },
  close: () => server.close(),
});
// Stopped by the bench: exit normally, so a --cpu-prof profile is written.
process.on('SIGTERM', () => process.exit(0));
