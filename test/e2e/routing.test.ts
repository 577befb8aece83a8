// The real server on loopback: callers and agents driven through the API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, eventually, openEvents, startTestLine, type TestLine } from './support.ts';

type Json = Record<string, unknown>;

async function dial(line: TestLine, keys: string): Promise<string> {
  const r = await api(line.url, line.admin, 'POST', '/api/calls', { keys, from: '+819011112222' });
  assert.equal(r.status, 201, r.text);
  return r.body['contactId'] as string;
}

async function callPhase(line: TestLine, contactId: string): Promise<Json> {
  return (await api(line.url, line.admin, 'GET', `/api/calls/${contactId}`)).body;
}

async function offerFor(line: TestLine, token: string, contactId: string): Promise<true> {
  return eventually(`an offer of ${contactId}`, async () => {
    const desk = (await api(line.url, token, 'GET', '/api/agent')).body as { offers: { contactId: string }[] };
    return desk.offers.some((o) => o.contactId === contactId) ? true : undefined;
  });
}

async function status(line: TestLine, token: string): Promise<string> {
  const r = await api(line.url, token, 'GET', '/api/agent');
  return ((r.body['agent'] as Json)['status']) as string;
}

describe('routing on a running line', () => {
  let line: TestLine;
  let sato: string;
  let suzuki: string;
  let takahashi: string;

  before(async () => {
    line = await startTestLine((def) => {
      const sakura = def.queues.find((q) => q.id === 'project-sakura');
      if (sakura) sakura.ringTimeoutSeconds = 1;
    });
    sato = await line.agent('sato');
    suzuki = await line.agent('suzuki');
    takahashi = await line.agent('takahashi');
  });
  after(async () => line.close());

  test('rank-1 agent busy: the rank-2 agent gets the next contact of the project', async () => {
    for (const t of [sato, suzuki]) assert.equal((await api(line.url, t, 'PUT', '/api/agent/status', { status: 'Available' })).status, 200);
    const first = await dial(line, '1001#');
    await offerFor(line, sato, first);
    assert.equal((await api(line.url, sato, 'POST', `/api/agent/contacts/${first}/accept`)).status, 200);
    assert.equal((await callPhase(line, first))['phase'], 'connected');

    const second = await dial(line, '1003#');
    await offerFor(line, suzuki, second);
    assert.equal((await api(line.url, suzuki, 'POST', `/api/agent/contacts/${second}/accept`)).status, 200);
    assert.equal(await status(line, suzuki), 'OnContact');

    // Everyone ranked is busy (takahashi is offline): the third contact waits …
    const third = await dial(line, '1001#');
    await eventually('the contact to wait', async () => ((await callPhase(line, third))['phase'] === 'queued' ? true : undefined));
    const realtime = (await api(line.url, line.admin, 'GET', '/api/metrics/realtime')).body as { queues: { queueId: string; contactsWaiting: number }[] };
    assert.equal(realtime.queues.find((q) => q.queueId === 'project-sakura')?.contactsWaiting, 1);

    // … until the first freed ranked agent finishes after-contact work.
    assert.equal((await api(line.url, sato, 'POST', `/api/agent/contacts/${first}/hangup`)).status, 200);
    assert.equal(await status(line, sato), 'AfterContactWork');
    assert.equal((await api(line.url, sato, 'POST', '/api/agent/acw/finish', { notes: '見積もりの件' })).status, 200);
    await offerFor(line, sato, third);
    await api(line.url, sato, 'POST', `/api/agent/contacts/${third}/accept`);

    const record = (await api(line.url, line.admin, 'GET', `/api/contacts/${first}`)).body;
    assert.equal(record['disconnectReason'], 'AGENT_DISCONNECT');
    assert.equal((record['agent'] as Json)['id'], 'sato');
    assert.equal((record['queue'] as Json)['id'], 'project-sakura');
    assert.equal(record['customerNumber'], '1001');
    assert.equal(record['notes'], '見積もりの件');
    assert.ok((record['flowPath'] as string[]).includes('transfer-to-queue'));

    // Hang up the rest so the next test starts clean.
    for (const [t, c] of [[suzuki, second], [sato, third]] as const) {
      await api(line.url, t, 'POST', `/api/agent/contacts/${c}/hangup`);
      await api(line.url, t, 'POST', '/api/agent/acw/finish', {});
    }
  });

  test('ring timeout: the rank-1 agent goes to Missed and the contact rings the next rank', async () => {
    assert.equal(await status(line, sato), 'Available');
    const c = await dial(line, '1001#');
    await offerFor(line, sato, c);
    await offerFor(line, suzuki, c); // after the 1 s ring timeout
    assert.equal(await status(line, sato), 'Missed');
    await api(line.url, suzuki, 'POST', `/api/agent/contacts/${c}/accept`);
    await api(line.url, line.admin, 'DELETE', `/api/calls/${c}`); // the caller hangs up
    await api(line.url, suzuki, 'POST', '/api/agent/acw/finish', {});
    const record = (await api(line.url, line.admin, 'GET', `/api/contacts/${c}`)).body;
    assert.equal(record['disconnectReason'], 'CUSTOMER_DISCONNECT');
    assert.deepEqual((record['agentOffers'] as { agentId: string; outcome: string }[]).map((o) => [o.agentId, o.outcome]),
      [['sato', 'RingTimeout'], ['suzuki', 'Accepted']]);
    await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Available' });
  });

  test('declining rings the next rank at once', async () => {
    const c = await dial(line, '1003#');
    await offerFor(line, sato, c);
    assert.equal((await api(line.url, sato, 'POST', `/api/agent/contacts/${c}/decline`)).status, 200);
    await offerFor(line, suzuki, c);
    await api(line.url, line.admin, 'DELETE', `/api/calls/${c}`);
  });

  test('a caller who hangs up while waiting is abandoned, and nobody is left ringing', async () => {
    for (const t of [sato, suzuki]) await api(line.url, t, 'PUT', '/api/agent/status', { status: 'Break' });
    const c = await dial(line, '1001#');
    await eventually('the contact to wait', async () => ((await callPhase(line, c))['phase'] === 'queued' ? true : undefined));
    await api(line.url, line.admin, 'DELETE', `/api/calls/${c}`);
    const record = (await api(line.url, line.admin, 'GET', `/api/contacts/${c}`)).body;
    assert.equal(record['disconnectReason'], 'ABANDONED_IN_QUEUE');
    assert.equal(record['agent'], undefined);
    const agents = (await api(line.url, line.admin, 'GET', '/api/agents')).body['agents'] as { status: string }[];
    assert.ok(agents.every((a) => a.status !== 'Ringing'));
  });

  test('records and metrics match what happened', async () => {
    const all = (await api(line.url, line.admin, 'GET', '/api/contacts?limit=100')).body as { records: { disconnectReason: string; agent?: { id: string } }[] };
    const reasons = all.records.map((r) => r.disconnectReason).sort();
    // Hanging up while ringing (the decline test) is abandoned in queue too, as Connect counts it.
    assert.deepEqual(reasons, ['ABANDONED_IN_QUEUE', 'ABANDONED_IN_QUEUE', 'AGENT_DISCONNECT', 'AGENT_DISCONNECT', 'AGENT_DISCONNECT', 'CUSTOMER_DISCONNECT']);
    const abandoned = (await api(line.url, line.admin, 'GET', '/api/contacts?reason=ABANDONED_IN_QUEUE')).body as { records: unknown[] };
    assert.equal(abandoned.records.length, 2);

    const from = '2026-11-24T00:00:00+09:00';
    const to = '2026-11-25T00:00:00+09:00';
    const hist = (await api(line.url, line.admin, 'GET', `/api/metrics/historical?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).body as Json;
    const sakura = (hist['byQueue'] as Record<string, Json>)['project-sakura'];
    assert.ok(sakura, JSON.stringify(hist).slice(0, 300));
    assert.equal(sakura['contactsOffered'], 6);
    assert.equal(sakura['contactsHandled'], 4);
    assert.equal(sakura['contactsAbandoned'], 2);

    const prom = await api(line.url, undefined, 'GET', '/metrics');
    assert.match(prom.text, /chokutsu_contacts_total\{[^}]*disconnect_reason="ABANDONED_IN_QUEUE"[^}]*\} 2/);
    assert.match(prom.text, /chokutsu_queue_contacts_waiting\{queue="さくら邸リフォーム"\} 0/);

    const cost = (await api(line.url, line.admin, 'GET', '/api/reports/cost?month=2026-11')).body;
    assert.equal(cost['contacts'], 6);
    // The rates used, each with its source, and the number's daily fee next to the minutes.
    const rates = cost['rates'] as { didPerDay: number; voiceServicePerMinute: number; sources: Record<string, string> };
    assert.equal(rates.didPerDay, 0.1);
    assert.equal(rates.voiceServicePerMinute, 0.018);
    assert.match(rates.sources['voiceServicePerMinute'] ?? '', /aws\.amazon\.com\/connect\/pricing/);
    assert.deepEqual(cost['numbers'], { count: 1, days: 30, cost: 3 });
    assert.equal(cost['totalCost'], Math.round(((cost['connectCost'] as number) + 3) * 1e6) / 1e6);
  });

  test('an agent sees only their own contacts and events', async () => {
    const mine = (await api(line.url, takahashi, 'GET', '/api/contacts')).body as { records: unknown[] };
    assert.equal(mine.records.length, 0);
    const all = (await api(line.url, line.admin, 'GET', '/api/contacts')).body as { records: { contactId: string; agent?: { id: string } }[] };
    const satos = all.records.find((r) => r.agent?.id === 'sato');
    assert.ok(satos);
    assert.equal((await api(line.url, takahashi, 'GET', `/api/contacts/${satos.contactId}`)).status, 404);

    const ws = await openEvents(line.url, takahashi);
    const events: Json[] = [];
    ws.on('message', (m) => events.push(JSON.parse(String(m)) as Json));
    await api(line.url, takahashi, 'PUT', '/api/agent/status', { status: 'Available' });
    await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Available' });
    await eventually('takahashi\'s own status event', async () => (events.some((e) => e['type'] === 'agent.status' && e['agentId'] === 'takahashi') ? true : undefined));
    ws.close();
    assert.ok(events.every((e) => e['agentId'] === 'takahashi'), JSON.stringify(events));
  });
});

describe('the API refuses bad requests with a clear 4xx', () => {
  let line: TestLine;
  before(async () => {
    line = await startTestLine();
  });
  after(async () => line.close());

  test('no token, wrong role, bad body, bad state change, bad search, wrong password', async () => {
    assert.equal((await api(line.url, undefined, 'GET', '/api/contacts')).status, 401);
    const sato = await line.agent('sato');
    assert.equal((await api(line.url, sato, 'GET', '/api/metrics/realtime')).status, 403);
    assert.equal((await api(line.url, sato, 'PUT', '/api/agent/status', { state: 'Available' })).status, 400);
    const refused = await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Sleeping' });
    assert.equal(refused.status, 400);
    assert.match(String(refused.body['error']), /Available, Offline, Break, Lunch.*Sleeping/);
    assert.equal((await api(line.url, sato, 'POST', '/api/agent/contacts/nope/accept')).status, 404);
    const badSearch = await api(line.url, line.admin, 'GET', '/api/contacts?from=yesterday&colour=red');
    assert.equal(badSearch.status, 400);
    assert.equal((await api(line.url, line.admin, 'GET', '/api/reports/cost?month=2026-13')).status, 400);
    assert.equal((await api(line.url, undefined, 'POST', '/api/login', { username: 'sato', password: 'wrong-password' })).status, 401);
    assert.equal((await api(line.url, line.admin, 'POST', '/api/calls', { keys: '12x' })).status, 400);
    const csv = await fetch(`${line.url}/api/admin/customers/import`, { method: 'POST', headers: { authorization: `Bearer ${line.admin}`, 'content-type': 'text/csv' }, body: 'customer_number,name,queue\n1,x,nowhere\n' });
    assert.equal(csv.status, 422);
  });

  test('an admin reorders a queue\'s ranks and the next contact follows them', async () => {
    const r = await api(line.url, line.admin, 'PUT', '/api/admin/queues/project-sakura/agents', { agents: [{ agent: 'takahashi', rank: 1 }, { agent: 'sato', rank: 2 }] });
    assert.equal(r.status, 200, r.text);
    const takahashi = await line.agent('takahashi');
    const sato = await line.agent('sato');
    for (const t of [takahashi, sato]) await api(line.url, t, 'PUT', '/api/agent/status', { status: 'Available' });
    const c = await dial(line, '1001#');
    await offerFor(line, takahashi, c);
    const bad = await api(line.url, line.admin, 'PUT', '/api/admin/queues/project-sakura/agents', { agents: [{ agent: 'nobody', rank: 1 }] });
    assert.equal(bad.status, 400);
  });
});
