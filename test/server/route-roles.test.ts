// Who may call what, route by route: every route of the API × admin, supervisor, agent and
// anonymous, with the expected answer. "ok" means the request got past authorisation (a 2xx, or
// the 4xx of the request itself, such as 404 for an id that does not exist); 401 and 403 are
// refusals. The table must name every route the server has, so a new route cannot go untested.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { handledCall, SUZUKI } from '../contacts/records.ts';
import { api, login, startTestLine, type TestLine } from '../e2e/support.ts';
import { epochTimes } from './api-contract.test.ts';
import { serverRoutes } from './routes.ts';

type Role = 'admin' | 'supervisor' | 'agent' | 'anonymous';
/** 'page': the web app's index.html (200), or 503 when it is not built. */
type Expected = 'ok' | 'page' | 401 | 403 | 404;
const ROLES: Role[] = ['admin', 'supervisor', 'agent', 'anonymous'];

interface RouteCase {
  method: string;
  /** The route as fastify names it, and the path requested. */
  route: string;
  path?: string;
  body?: unknown;
  csv?: string;
  /** Log in afresh for this request (it ends the session). */
  fresh?: boolean;
  expect: Record<Role, Expected>;
}

const PUBLIC = { admin: 'ok', supervisor: 'ok', agent: 'ok', anonymous: 'ok' } as const;
const ANYONE = { admin: 'ok', supervisor: 'ok', agent: 'ok', anonymous: 401 } as const;
/** Works as an agent: the admin and this supervisor have no agent of their own. */
const AGENT_DESK = { admin: 403, supervisor: 403, agent: 'ok', anonymous: 401 } as const;
const STAFF = { admin: 'ok', supervisor: 'ok', agent: 403, anonymous: 401 } as const;
const ADMIN = { admin: 'ok', supervisor: 403, agent: 403, anonymous: 401 } as const;

const ROUTES: RouteCase[] = [
  { method: 'GET', route: '/healthz', expect: PUBLIC },
  { method: 'GET', route: '/metrics', expect: PUBLIC },
  { method: 'POST', route: '/api/login', body: { username: 'kanda', password: 'kanda-password' }, expect: PUBLIC },
  { method: 'POST', route: '/api/logout', fresh: true, expect: ANYONE },
  { method: 'GET', route: '/api/me', expect: ANYONE },

  { method: 'GET', route: '/api/agent', expect: AGENT_DESK },
  { method: 'PUT', route: '/api/agent/status', body: { status: 'Offline' }, expect: AGENT_DESK },
  { method: 'POST', route: '/api/agent/contacts/:contactId/accept', path: '/api/agent/contacts/nope/accept', expect: AGENT_DESK },
  { method: 'POST', route: '/api/agent/contacts/:contactId/decline', path: '/api/agent/contacts/nope/decline', expect: AGENT_DESK },
  { method: 'POST', route: '/api/agent/contacts/:contactId/hangup', path: '/api/agent/contacts/nope/hangup', expect: AGENT_DESK },
  { method: 'POST', route: '/api/agent/contacts/:contactId/hold', path: '/api/agent/contacts/nope/hold', body: { on: true }, expect: AGENT_DESK },
  { method: 'POST', route: '/api/agent/acw/finish', body: {}, expect: AGENT_DESK },

  { method: 'GET', route: '/api/agents', expect: STAFF },
  { method: 'PUT', route: '/api/agents/:agentId/status', path: '/api/agents/suzuki/status', body: { status: 'Offline' }, expect: STAFF },
  { method: 'GET', route: '/api/metrics/realtime', expect: STAFF },
  { method: 'GET', route: '/api/metrics/historical', path: '/api/metrics/historical?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z', expect: STAFF },
  { method: 'GET', route: '/api/reports/cost', path: '/api/reports/cost?month=2026-11', expect: STAFF },

  { method: 'GET', route: '/api/contacts', expect: ANYONE },
  { method: 'GET', route: '/api/contacts/:contactId', path: '/api/contacts/nope', expect: ANYONE },
  { method: 'GET', route: '/api/contacts/:contactId/recording', path: '/api/contacts/nope/recording', expect: ANYONE },

  { method: 'POST', route: '/api/calls', body: { keys: '' }, expect: STAFF },
  { method: 'GET', route: '/api/calls/:contactId', path: '/api/calls/nope', expect: STAFF },
  { method: 'DELETE', route: '/api/calls/:contactId', path: '/api/calls/nope', expect: STAFF },
  { method: 'POST', route: '/api/calls/:contactId/keys', path: '/api/calls/nope/keys', body: { keys: '1' }, expect: STAFF },

  // The set-up: supervisors may read it (customers included), only admins change it.
  { method: 'GET', route: '/api/admin/customers', expect: STAFF },
  { method: 'GET', route: '/api/admin/queues', expect: STAFF },
  { method: 'GET', route: '/api/admin/hours', expect: STAFF },
  { method: 'GET', route: '/api/admin/closures', expect: STAFF },
  { method: 'POST', route: '/api/admin/customers/import', csv: 'customer_number,name,queue\n', expect: ADMIN },
  { method: 'PUT', route: '/api/admin/customers/:customerNumber', path: '/api/admin/customers/9001', body: { name: '表', queue: 'general' }, expect: ADMIN },
  { method: 'DELETE', route: '/api/admin/customers/:customerNumber', path: '/api/admin/customers/99999', expect: ADMIN },
  { method: 'PUT', route: '/api/admin/queues/:queueId/agents', path: '/api/admin/queues/nope/agents', body: { agents: [] }, expect: ADMIN },
  { method: 'POST', route: '/api/admin/closures', body: { from: 'not-a-date', to: 'x', name: 'x' }, expect: ADMIN },
  { method: 'DELETE', route: '/api/admin/closures/:id', path: '/api/admin/closures/999999', expect: ADMIN },
  { method: 'GET', route: '/api/admin/users', expect: ADMIN },
  { method: 'POST', route: '/api/admin/users', body: { username: 'newbie', password: 'newbie-password', role: 'agent', agentId: 'nobody' }, expect: ADMIN },

  { method: 'GET', route: '/api/admin/holidays', path: '/api/admin/holidays?year=2026', expect: STAFF },
  { method: 'GET', route: '/api/admin/prompts', expect: STAFF },
  { method: 'GET', route: '/api/admin/flows', expect: STAFF },
  { method: 'GET', route: '/api/admin/flows/:flowId', path: '/api/admin/flows/direct-line', expect: STAFF },
  { method: 'GET', route: '/api/admin/prompts/:promptId/audio', path: '/api/admin/prompts/nope/audio', expect: STAFF },
  { method: 'PUT', route: '/api/admin/hours/:hoursId', path: '/api/admin/hours/nope', body: { config: [] }, expect: ADMIN },
  { method: 'PUT', route: '/api/admin/phone-numbers/:number/flow', path: '/api/admin/phone-numbers/+81000000000/flow', body: { flow: 'direct-line' }, expect: ADMIN },
  { method: 'POST', route: '/api/admin/flows', body: { id: 'x', name: 'x', flow: { Version: '2019-10-30', StartAction: 'x', Actions: [] } }, expect: ADMIN },
  { method: 'POST', route: '/api/admin/prompts', body: { id: 'bad id', name: 'x', text: 'x' }, expect: ADMIN },
  { method: 'POST', route: '/api/admin/prompts/wav', path: '/api/admin/prompts/wav?id=x&name=x', body: { not: 'a wav' }, expect: ADMIN },
  { method: 'POST', route: '/api/admin/prompts/speak', body: { text: 'x' }, expect: ADMIN },
  { method: 'POST', route: '/api/admin/flows/check', body: { Version: '2019-10-30', StartAction: 'x', Actions: [] }, expect: STAFF },
  { method: 'GET', route: '/api/instance', expect: ANYONE },

  { method: 'POST', route: '/api/events/ticket', expect: ANYONE },
  // Browser phone credentials: each signed-in user their own (this line has no SIP: a 404 past authorisation).
  { method: 'POST', route: '/api/phone/credentials', body: {}, expect: ANYONE },
  // The WebSocket takes a ticket, never a bearer token: without one, everyone is refused.
  { method: 'GET', route: '/api/events', expect: { admin: 401, supervisor: 401, agent: 401, anonymous: 401 } },
  // SIP over WebSocket (RFC 7118): only an upgrade is answered; who may register or call is SIP digest's business.
  { method: 'GET', route: '/sip', expect: { admin: 404, supervisor: 404, agent: 404, anonymous: 404 } },
  // The web app's pages (index.html, or a 503 saying how to build it): the page is public, its data is not.
  { method: 'GET', route: '*', path: '/agent', expect: { admin: 'page', supervisor: 'page', agent: 'page', anonymous: 'page' } },
];

describe('every route × every role', () => {
  let line: TestLine;
  const tokens: Partial<Record<Role, string>> = {};
  before(async () => {
    line = await startTestLine();
    await line.server.services.users.create({ username: 'kanda', password: 'kanda-password', role: 'supervisor' });
    tokens.admin = line.admin;
    tokens.supervisor = await login(line.url, 'kanda', 'kanda-password');
    tokens.agent = await line.agent('sato');
  });
  after(async () => line.close());

  test('the table names every route the server has, and only those', () => {
    const table = ROUTES.map((r) => `${r.method} ${r.route}`).sort();
    assert.deepEqual(table, serverRoutes(line.server.app.printRoutes({ commonPrefix: false })));
  });

  for (const r of ROUTES) {
    test(`${r.method} ${r.route}: ${ROLES.map((role) => `${role} ${r.expect[role]}`).join(', ')}`, async () => {
      for (const role of ROLES) {
        let token = tokens[role];
        if (r.fresh && role !== 'anonymous') token = role === 'agent' ? await line.agent('sato') : role === 'admin' ? await login(line.url, 'admin', 'admin-password') : await login(line.url, 'kanda', 'kanda-password');
        const res = r.csv !== undefined
          ? await fetch(line.url + (r.path ?? r.route), { method: r.method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'text/csv' }, body: r.csv })
          : undefined;
        const status = res ? res.status : (await api(line.url, token, r.method, r.path ?? r.route, r.body)).status;
        const expected = r.expect[role];
        if (expected === 'ok') assert.ok(status !== 401 && status !== 403 && status < 500, `${role}: ${status}`);
        else if (expected === 'page') assert.ok(status === 200 || status === 503, `${role}: ${status}`);
        else assert.equal(status, expected, role);
      }
    });
  }

  test('no response of a signed-in reader carries an epoch time', async () => {
    for (const r of ROUTES.filter((x) => x.method === 'GET' && x.route !== '/api/events' && x.route !== '*' && x.route !== '/sip')) {
      for (const role of ['admin', 'agent'] as const) {
        const res = await api(line.url, tokens[role], 'GET', r.path ?? r.route);
        assert.deepEqual(epochTimes(res.body), [], `${role} GET ${r.path ?? r.route}`);
      }
    }
  });

  test('an agent cannot read another agent\'s contact or its recording; the agent who took it and staff can', async () => {
    const record = handledCall('c-suzuki', Date.parse('2026-11-24T00:30:00Z'), { agent: { ...SUZUKI, id: 'suzuki', username: 'suzuki' } });
    line.server.services.contacts.save(record);
    mkdirSync(join(line.dir, 'recordings'), { recursive: true });
    writeFileSync(join(line.dir, 'recordings', 'c-suzuki.wav'), Buffer.from('RIFF....WAVE'));
    const suzuki = await line.agent('suzuki');
    for (const path of ['/api/contacts/c-suzuki', '/api/contacts/c-suzuki/recording']) {
      assert.equal((await api(line.url, tokens.agent, 'GET', path)).status, 404, `sato ${path}`);
      assert.equal((await api(line.url, suzuki, 'GET', path)).status, 200, `suzuki ${path}`);
      assert.equal((await api(line.url, tokens.supervisor, 'GET', path)).status, 200, `supervisor ${path}`);
    }
    const list = (await api(line.url, tokens.agent, 'GET', '/api/contacts?agent=suzuki')).body as { records: unknown[] };
    assert.deepEqual(list.records, [], 'asking for another agent\'s contacts gives only one\'s own');
  });
});
