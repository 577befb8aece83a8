// The web app's figures: the JavaScript an agent's browser downloads for the desktop (gzipped), and
// how long from an agent pressing Available, with a contact waiting, until the ringing offer shows.
//   node --import tsx bench/web.ts
// Prints the figures and rewrites the "Web app" section of bench/RESULTS.md.
import { cpus } from 'node:os';
import { gzipSync } from 'node:zlib';
import { api, eventually, startTestLine } from '../test/e2e/support.ts';
import { ensureWebBuilt, launchBrowser, logInAs } from '../test/web/support.ts';
import { writeResultsSection } from './results.ts';

const CONTACTS = Number(process.env['BENCH_CONTACTS'] ?? 100);

// Runs in the page (as text: this file is compiled for Node, without the DOM's types).
const OFFER_LATENCY = `new Promise((resolve) => {
  const button = document.querySelector('[data-set-status=Available]');
  let t0 = 0;
  const observer = new MutationObserver(() => {
    if (document.querySelector('[data-testid=offer]')) {
      observer.disconnect();
      resolve(performance.now() - t0);
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  t0 = performance.now();
  button.click();
})`;

ensureWebBuilt();
const line = await startTestLine();
const browser = await launchBrowser();
const chromiumVersion = browser.version();

// 1. JavaScript shipped to the agent desktop: every script the page loads, gzipped as a server would.
const scripts = new Map<string, number>();
const agent = await logInAs(browser, line.url, 'sato', 'sato-password');
// The session lives in the tab (sessionStorage): reload the logged-in tab to see what it downloads.
const probe = agent.page;
probe.on('response', async (res) => {
  if (res.request().resourceType() !== 'script') return;
  const body = await res.body();
  scripts.set(new URL(res.url()).pathname, gzipSync(body, { level: 9 }).length);
});
const raw = new Map<string, number>();
probe.on('response', async (res) => {
  if (res.request().resourceType() === 'script') raw.set(new URL(res.url()).pathname, (await res.body()).length);
});
await probe.reload();
await probe.locator('[data-connection=open]').waitFor();
probe.removeAllListeners('response');
const gzTotal = [...scripts.values()].reduce((a, b) => a + b, 0);
const rawTotal = [...raw.values()].reduce((a, b) => a + b, 0);

// 2. Available → offer on screen, measured in the page: the click that sends PUT /api/agent/status
// to the moment the offer element is in the DOM (the event arrived over the WebSocket and rendered).
const page = agent.page;
await page.locator('[data-connection=open]').waitFor();
const samples: number[] = [];
for (let i = 0; i < CONTACTS; i++) {
  const call = await api(line.url, line.admin, 'POST', '/api/calls', { keys: '1001#' });
  const contactId = call.body['contactId'] as string;
  await eventually('the contact waiting', async () => ((await api(line.url, line.admin, 'GET', `/api/calls/${contactId}`)).body['phase'] === 'queued' ? true : undefined));
  const ms = await page.evaluate<number>(OFFER_LATENCY);
  samples.push(ms);
  await api(line.url, line.admin, 'DELETE', `/api/calls/${contactId}`);
  await page.getByTestId('offer').waitFor({ state: 'detached' });
  await page.locator('[data-set-status=Offline]').click();
  await page.locator('[data-status=Offline]').waitFor();
}
await browser.close();
await line.close();

samples.sort((a, b) => a - b);
const q = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)] ?? NaN;
const kb = (n: number) => (n / 1024).toFixed(1);
const lines = [
  '## Web app',
  '',
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, Chromium ${chromiumVersion} (headless), loopback. Date: ${new Date().toISOString().slice(0, 10)}.`,
  'Command: `node --import tsx bench/web.ts`',
  '',
  `JavaScript shipped to the agent desktop (every script /agent loads, gzip -9): **${kb(gzTotal)} KB** gzipped, ${kb(rawTotal)} KB raw, ${scripts.size} file(s): ${[...scripts.entries()].map(([p, n]) => `${p} ${kb(n)} KB`).join(', ')}. Target < 250 KB. (The chart library loads only with the historical metrics page.)`,
  '',
  `Available → ringing offer on screen, ${samples.length} contacts, each waiting in the queue before the agent presses Available; measured in the page from the click (which sends PUT /api/agent/status) to the offer element in the DOM (the contact.offered event over the WebSocket, rendered):`,
  '',
  '| samples | p50 ms | p99 ms | max ms | target p99 |',
  '|---:|---:|---:|---:|---:|',
  `| ${samples.length} | ${q(50).toFixed(1)} | ${q(99).toFixed(1)} | ${(samples[samples.length - 1] ?? NaN).toFixed(1)} | < 150 ms |`,
  '',
];
const section = lines.join('\n');
console.log(section);
writeResultsSection('Web app', section);
