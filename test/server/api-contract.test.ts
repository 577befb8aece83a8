// What every response has in common: times in ISO 8601 (never epoch milliseconds), a malformed
// request is a 400 naming what is allowed, a real state conflict a 409.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, eventually, startTestLine, type TestLine } from '../e2e/support.ts';

/** Paths in a JSON value holding a number that reads as epoch milliseconds (2001…5138). */
export function epochTimes(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return value > 1e12 && value < 1e14 ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => epochTimes(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => epochTimes(v, `${path}.${k}`));
  return [];
}

describe('one time format and clear refusals', () => {
  let line: TestLine;
  let sato: string;
  before(async () => {
    line = await startTestLine();
    sato = await line.agent('sato');
  });
  after(async () => line.close());

  test('agent views say since in ISO 8601 in every response', async () => {
    const responses = [
      await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Available' }),
      await api(line.url, sato, 'GET', '/api/agent'),
      await api(line.url, sato, 'GET', '/api/me'),
      await api(line.url, line.admin, 'GET', '/api/agents'),
      await api(line.url, line.admin, 'PUT', '/api/agents/suzuki/status', { status: 'Break' }),
      await api(line.url, line.admin, 'GET', '/api/metrics/realtime'),
    ];
    for (const r of responses) {
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(epochTimes(r.body), [], r.text);
    }
    const since = ((responses[1]?.body['agent']) as { since: unknown }).since;
    assert.match(String(since), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  test('an unknown status is a 400 naming the allowed ones, for agents and supervisors alike', async () => {
    for (const [token, path] of [[sato, '/api/agent/status'], [line.admin, '/api/agents/sato/status']] as const) {
      const r = await api(line.url, token, 'PUT', path, { status: 'Sleeping' });
      assert.equal(r.status, 400, r.text);
      assert.match(String(r.body['error']), /^status: one of Available, Offline, Break, Lunch; not "Sleeping"$/);
    }
    assert.equal((await api(line.url, line.admin, 'PUT', '/api/agents/nobody/status', { status: 'Available' })).status, 404);
  });

  test('a known status the agent cannot take now (on a contact) is a 409', async () => {
    assert.equal((await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Available' })).status, 200);
    const call = await api(line.url, line.admin, 'POST', '/api/calls', { keys: '1001#' });
    const contactId = call.body['contactId'] as string;
    await eventually('the offer', async () => {
      const desk = (await api(line.url, sato, 'GET', '/api/agent')).body as { offers: { contactId: string; ringUntil?: unknown }[] };
      return desk.offers.some((o) => o.contactId === contactId) ? true : undefined;
    });
    assert.equal((await api(line.url, sato, 'POST', `/api/agent/contacts/${contactId}/accept`)).status, 200);
    const conflict = await api(line.url, sato, 'PUT', '/api/agent/status', { status: 'Break' });
    assert.equal(conflict.status, 409, conflict.text);
    await api(line.url, sato, 'POST', `/api/agent/contacts/${contactId}/hangup`);
    const finished = await api(line.url, sato, 'POST', '/api/agent/acw/finish', {});
    assert.deepEqual(epochTimes(finished.body), []);
    const record = await api(line.url, line.admin, 'GET', `/api/contacts/${contactId}`);
    assert.deepEqual(epochTimes(record.body), [], record.text);
  });
});
