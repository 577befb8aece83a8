// Property test (fast-check, seeded, bounded) of every API route: random bodies (JSON of random
// shapes, wrong types, huge strings, unicode, nulls), random query strings and random
// content-type/accept headers, sent as admin (the most powerful role). Every answer is a 2xx or a
// 4xx with a JSON {error} message, never a 5xx; and a request answered 4xx changed nothing (the
// customers, users, closures and contact records as the API lists them, and the definition file's
// bytes, are the same before and after).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { DEMO_DEFINITION_FILE } from '../../src/instance/demo.ts';
import { startTestLine, type TestLine } from '../e2e/support.ts';
import { serverRoutes } from '../server/routes.ts';

const RUNS = { numRuns: Number(process.env['API_FUZZ_RUNS'] ?? 200), seed: Number(process.env['API_FUZZ_SEED'] ?? 13) };
/** Not fuzzed: logout ends the admin's session; the WebSocket routes answer only an upgrade. */
const SKIPPED = new Set(['POST /api/logout', 'GET /api/events', 'GET /sip']);

let line: TestLine;
let routes: string[] = [];
before(async () => {
  line = await startTestLine();
  routes = serverRoutes(line.server.app.printRoutes({ commonPrefix: false })).filter((r) => !SKIPPED.has(r));
});
after(async () => line?.close());

/** What a refused request must leave as it was. */
async function state(): Promise<string> {
  const lists = await Promise.all(['/api/admin/customers', '/api/admin/users', '/api/admin/closures', '/api/contacts', '/api/admin/queues'].map(async (url) => {
    const r = await line.server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${line.admin}` } });
    return `${url} ${r.statusCode} ${r.body}`;
  }));
  return [...lists, readFileSync(join(line.dir, DEMO_DEFINITION_FILE), 'latin1')].join('\n');
}

const huge = fc.constantFrom('x'.repeat(70_000), '表'.repeat(20_000), '\u0000\uffff\ud83d\ude00', '%00%ff', '../../etc/passwd');
const scalar = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), huge,
  fc.constantFrom('', 'general', 'suzuki', 'sato', 'admin', 'agent', 'Available', 'Offline', '2026-11-24', '2026-11-24T10:00:00Z', '9001', '0312345678', -1, 1e308));
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom('name', 'queue', 'status', 'keys', 'username', 'password', 'role', 'agentId', 'agents', 'from', 'to', 'date', 'Actions', 'StartAction', 'phone', 'customerNumber', 'rank', 'id'), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 3 }))),
  scalar,
);
/** Valid bodies of the routes that change something, so a one-field mutation reaches their logic. */
const VALID: Record<string, unknown>[] = [
  { name: '表', queue: 'general' },
  { agents: [{ agent: 'suzuki', rank: 1 }, { agent: 'sato', rank: 2 }] },
  { from: '2026-12-29', to: '2027-01-03', name: '年末年始' },
  { username: 'newbie', password: 'newbie-password', role: 'agent', agentId: 'suzuki' },
  { status: 'Available' },
  { keys: '1#' },
  { Version: '2019-10-30', StartAction: 'x', Actions: [] },
];
const nearValid = fc.tuple(fc.constantFrom(...VALID), fc.nat(), fc.oneof(scalar, json)).map(([base, pick, value]) => {
  const keys = Object.keys(base);
  return JSON.stringify({ ...base, [keys[pick % keys.length] ?? 'x']: value });
});
const body = fc.oneof(
  { arbitrary: json.map((v) => JSON.stringify(v)), weight: 4 },
  { arbitrary: nearValid, weight: 4 },
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', '{', '{"a":', 'null', 'customer_number,name,queue\n1,a,general\n', 'customer_number,name\n\u0000,,,\n', '\ufeff{}'),
);
const param = fc.oneof(scalar.map(String), fc.constantFrom('nope', 'direct-line', 'general', 'suzuki', '1', '9001', '%2e%2e', '%ZZ', 'a%00b'));
const query = fc.dictionary(fc.constantFrom('from', 'to', 'month', 'year', 'agent', 'queue', 'limit', 'offset', 'q', 'channel', 'format'), scalar.map((v) => String(v).slice(0, 200)), { maxKeys: 4 });
// Mostly JSON, so that most requests get past the body parser into the handlers.
const contentType = fc.oneof({ arbitrary: fc.constant('application/json'), weight: 6 }, fc.constantFrom(undefined, 'text/csv', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/octet-stream', ''));
const accept = fc.constantFrom(undefined, '*/*', 'application/json', 'text/html', 'text/csv', 'audio/wav', 'image/png', '');

test('every API route, random requests as admin: 2xx or 4xx with {error}, never 5xx; a 4xx changes nothing', async () => {
  assert.ok(routes.length > 30, `routes: ${routes.length}`);
  let before = await state();
  const seen = { ok: 0, refused: 0 };
  await fc.assert(fc.asyncProperty(fc.nat(), fc.array(param, { minLength: 2, maxLength: 2 }), fc.option(body, { nil: undefined }), query, contentType, accept,
    async (pick, params, payload, q, type, acc) => {
      const [method = 'GET', route = '/'] = (routes[pick % routes.length] ?? 'GET /').split(' ');
      let i = 0;
      const path = route === '*' ? `/${encodeURIComponent(params[0] ?? '')}` : route.replace(/:[A-Za-z]+/g, () => encodeURIComponent(params[i++] ?? ''));
      const search = new URLSearchParams(q).toString();
      const headers: Record<string, string> = { authorization: `Bearer ${line.admin}` };
      if (type !== undefined) headers['content-type'] = type;
      if (acc !== undefined) headers['accept'] = acc;
      const sendsBody = payload !== undefined && method !== 'GET' && method !== 'HEAD';
      const res = await line.server.app.inject({ method: method as 'GET', url: search ? `${path}?${search}` : path, headers, ...(sendsBody ? { payload } : {}) });
      const what = `${method} ${path}${search ? `?${search.slice(0, 100)}` : ''} [${type}] ${String(payload).slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      assert.ok(res.statusCode < 500 || (route === '*' && res.statusCode === 503), what);
      if (res.statusCode >= 400) {
        // The agent's desk (/api/agent...) is for agents only: the admin gets 403 there by design; a
        // login with made-up credentials is a 401 by design.
        const byDesign = (res.statusCode === 403 && /^\/api\/agent(\/|$)/.test(route)) || (res.statusCode === 401 && route === '/api/login');
        assert.ok((res.statusCode !== 401 && res.statusCode !== 403) || byDesign, `the admin is refused: ${what}`);
        if (route !== '*') { // the web app's pages answer an unknown page with HTML
          const parsed = JSON.parse(res.body) as { error?: unknown };
          assert.equal(typeof parsed.error, 'string', what);
        }
        assert.equal(await state(), before, `a refused request changed something: ${what}`);
        seen.refused++;
      } else {
        before = await state();
        seen.ok++;
      }
    }), RUNS).catch((error: Error) => {
    // fast-check's report names the counterexample; the request and the answer are in the cause.
    throw new Error(`${error.message}\n${(error.cause as Error | undefined)?.message ?? ''}`);
  });
  assert.ok(seen.refused > 0 && seen.ok > 0, JSON.stringify(seen));
});
