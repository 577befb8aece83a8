// The set-up the web app reads: the instance (time zone, the line's clock), holidays, flows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, startTestLine, TUESDAY_10AM, type TestLine } from '../e2e/support.ts';
import { splitCsv } from '../../web/src/pages/csv-chunks.ts';

describe('the set-up API the web app reads', () => {
  let line: TestLine;
  before(async () => {
    line = await startTestLine();
  });
  after(() => line?.close());

  test('GET /api/instance gives every signed-in user the time zone, the line clock and the ACW timeouts', async () => {
    const sato = await line.agent('sato');
    const r = await api(line.url, sato, 'GET', '/api/instance');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body['timeZone'], 'Asia/Tokyo');
    assert.ok(Math.abs(Date.parse(r.body['now'] as string) - TUESDAY_10AM) < 60_000);
    assert.deepEqual((r.body['agents'] as { id: string; afterContactWorkSeconds: number }[])[0], { id: 'sato', name: '佐藤 花子', afterContactWorkSeconds: 30 });
    assert.equal((await api(line.url, undefined, 'GET', '/api/instance')).status, 401);
  });

  test('GET /api/admin/holidays lists the Japanese public holidays of a year, substitute holidays included', async () => {
    const r = await api(line.url, line.admin, 'GET', '/api/admin/holidays?year=2026');
    const holidays = r.body['holidays'] as { date: string; name: string }[];
    assert.equal(holidays.length, 18);
    assert.deepEqual(holidays.find((h) => h.date === '2026-11-23'), { date: '2026-11-23', name: '勤労感謝の日' });
    assert.ok(holidays.some((h) => h.date === '2026-05-06' && h.name.includes('振替休日')));
    assert.equal((await api(line.url, line.admin, 'GET', '/api/admin/holidays?year=26')).status, 400);
    assert.equal((await api(line.url, await line.agent('sato'), 'GET', '/api/admin/holidays')).status, 403);
  });

  test('flows are listed, readable, and a flow file is checked with its problems by action', async () => {
    const list = await api(line.url, line.admin, 'GET', '/api/admin/flows');
    assert.deepEqual((list.body['flows'] as { id: string }[]).map((f) => f.id), ['direct-line', 'customer-queue']);
    const doc = await api(line.url, line.admin, 'GET', '/api/admin/flows/direct-line');
    assert.equal(doc.body['Version'], '2019-10-30');
    assert.equal((await api(line.url, line.admin, 'GET', '/api/admin/flows/nope')).status, 404);
    const bad = { Version: '2019-10-30', StartAction: 'a', Actions: [{ Identifier: 'a', Type: 'MessageParticipant', Parameters: { Text: 'hi' }, Transitions: { NextAction: 'gone' } }] };
    const r = await api(line.url, line.admin, 'POST', '/api/admin/flows/check', bad);
    assert.equal(r.body['ok'], false);
    assert.ok((r.body['problems'] as { code: string; actionId?: string }[]).some((p) => p.code === 'dangling-transition' && p.actionId === 'a'));
  });
});

describe('CSV import chunks (the admin page uploads big files in parts)', () => {
  test('each chunk carries the header, and problems map back to the line in the file', () => {
    const csv = 'customer_number,name,queue\n1,"a\nb",q\n2,c,q\n3,d,q\n';
    const chunks = splitCsv(csv, 2);
    assert.deepEqual(chunks.map((c) => c.rows), [2, 1]);
    assert.equal(chunks[0]?.text, 'customer_number,name,queue\n1,"a\nb",q\n2,c,q\n');
    assert.equal(chunks[1]?.text, 'customer_number,name,queue\n3,d,q\n');
    assert.equal(chunks[0]?.lineOf(4), 4); // "2,c,q" after a record spanning lines 2–3
    assert.equal(chunks[1]?.lineOf(2), 5);
    assert.equal(chunks[1]?.lineOf(1), 1);
  });
});
